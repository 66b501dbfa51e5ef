using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Preprocessing;

/// <summary>Hashing against the outputs Keras documents (its docstring and hashing_test.py), configs and bad input.</summary>
public sealed class HashingTests
{
    private static string[][] Col(params string[] v) => [.. v.Select(s => new[] { s })];

    private static int[] Ints(Tensor t)
    {
        Assert.Equal(DType.Int32, t.DType);
        return t.ToInt32Array();
    }

    [Fact]
    public void FarmHashBinsMatchKerasDocstring()
    {
        var y = new Hashing(3).Apply(Col("A", "B", "C", "D", "E"));
        Assert.Equal([5, 1], y.Shape.ToArray());
        Assert.Equal([1, 0, 1, 1, 2], Ints(y));
        Assert.Equal([1, 1, 0, 2, 2], Ints(new Hashing(3, maskValue: "").Apply(Col("A", "B", "", "C", "D"))));
        Assert.Equal([0, 0, 1, 0, 0], Ints(new Hashing(2).Apply(Col("omar", "stringer", "marlo", "wire", "skywalker"))));
        Assert.Equal([1, 1, 2, 1, 1], Ints(new Hashing(3, maskValue: "").Apply(Col("omar", "stringer", "marlo", "wire", "skywalker"))));
        Assert.Equal([0, 1, 2, 1, 1], Ints(new Hashing(3, maskValue: "omar").Apply(Col("omar", "stringer", "marlo", "wire", "skywalker"))));
        Assert.Equal([0, 0, 0, 0, 0], Ints(new Hashing(1).Apply(Col("A", "B", "C", "D", "E"))));
    }

    [Fact]
    public void SaltedSipHashBinsMatchKerasDocstring()
    {
        Assert.Equal([1, 2, 1, 0, 2], Ints(new Hashing(3, salt: [133, 137]).Apply(Col("A", "B", "C", "D", "E"))));
        Assert.Equal([0, 0, 2, 1, 0], Ints(new Hashing(3, salt: [133]).Apply(Col("A", "B", "C", "D", "E"))));
        Assert.Equal([0, 1, 0, 1, 0], Ints(new Hashing(2, salt: [133, 137]).Apply(Col("omar", "stringer", "marlo", "wire", "skywalker"))));
        Assert.Equal([1, 0, 1, 0, 1], Ints(new Hashing(2, salt: [211, 137]).Apply(Col("omar", "stringer", "marlo", "wire", "skywalker"))));
    }

    [Fact]
    public void IntegersHashAsTheirDecimalText()
    {
        var ints = Tensor.FromArray(new[] { 0, 1, 2, 3, 4 }, 5, 1);
        Assert.Equal([1, 0, 1, 0, 2], Ints(new Hashing(3).Apply(ints)));
        Assert.Equal([1, 1, 2, 0, 1], Ints(new Hashing(3, salt: [133, 137]).Apply(ints)));
        // float32 values are truncated to integers first, as Keras casts them to int64.
        Assert.Equal([1, 0, 1, 0, 2], Ints(new Hashing(3).Apply(Tensor.FromArray(new[] { 0.5f, 1f, 2.9f, 3f, 4f }, 5, 1))));
    }

    [Fact]
    public void VectorModesMatchKerasTests()
    {
        var oneHot = new Hashing(3, outputMode: "one_hot").Apply(Tensor.FromArray(new[] { 0, 1, 2, 3, 4 }, 5, 1));
        Assert.Equal([5, 3], oneHot.Shape.ToArray());
        Assert.Equal([0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1], oneHot.ToArray());
        var multi = new Hashing(3, outputMode: "multi_hot").Apply(Tensor.FromArray(new[] { 0, 1, 2, 3, 4 }, 1, 5));
        Assert.Equal([1f, 1f, 1f], multi.ToArray());
        var count = new Hashing(3, outputMode: "count").Apply(Tensor.FromArray(new[] { 0, 1, 2, 3, 4 }, 1, 5));
        Assert.Equal([2f, 2f, 1f], count.ToArray());
    }

    [Fact]
    public void ConfigRoundTripsWithKerasKeys()
    {
        foreach (var layer in new Layer[] { new Hashing(8, maskValue: "", salt: [1, 2], outputMode: "count"), new Hashing(3, maskValue: 0L), new Hashing(5, salt: [7], name: "h") })
        {
            var json = KerasSerializer.Serialize(layer).ToJsonString();
            var again = KerasSerializer.Layer(JsonNode.Parse(json));
            Assert.IsType<Hashing>(again);
            Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
        }
        var c = KerasSerializer.Serialize(new Hashing(5, salt: [7]))["config"]!.AsObject();
        Assert.Equal("[7,7]", c["salt"]!.ToJsonString());
        Assert.Equal("int64", c["dtype"]!["config"]!["name"]!.GetValue<string>());
        Assert.Equal(0, KerasSerializer.Serialize(new Hashing(3, maskValue: 0L))["config"]!["mask_value"]!.GetValue<long>());
    }

    [Fact]
    public void BadArgumentsAndInputsNameTheLayer()
    {
        Assert.Contains("num_bins", Assert.Throws<ArgumentOutOfRangeException>(() => new Hashing(0)).Message);
        Assert.Contains("salt", Assert.Throws<ArgumentException>(() => new Hashing(2, salt: [1, 2, 3])).Message);
        Assert.Contains("output_mode", Assert.Throws<ArgumentException>(() => new Hashing(2, outputMode: "tf_idf")).Message);
        var ragged = Assert.Throws<ArgumentException>(() => new Hashing(2, name: "hh").Apply([["a", "b"], ["c"]]));
        Assert.Contains("'hh'", ragged.Message);
        Assert.Contains("row 1 has 1", ragged.Message);
    }
}
