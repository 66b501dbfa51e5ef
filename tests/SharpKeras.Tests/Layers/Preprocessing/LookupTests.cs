using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Preprocessing;

/// <summary>StringLookup and IntegerLookup against the outputs Keras documents (docstrings and its tests), configs and bad input.</summary>
public sealed class LookupTests
{
    private static void Close(float[] expected, Tensor actual)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - a[i]) <= 1e-6, $"element {i}: {a[i]}, expected {expected[i]}");
        }
    }

    private static readonly string[] Vocab = ["a", "b", "c", "d"];

    [Fact]
    public void StringLookupMatchesKerasDocstring()
    {
        var y = new StringLookup(vocabulary: Vocab).Apply([["a", "c", "d"], ["d", "z", "b"]]);
        Assert.Equal(DType.Int32, y.DType);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal([1, 3, 4, 4, 0, 2], y.ToInt32Array());
        // Two OOV buckets: "m" and "z" hash (FarmHash) to 0 and 1.
        Assert.Equal([2, 4, 5, 0, 1, 3], new StringLookup(vocabulary: Vocab, numOovIndices: 2).Apply([["a", "c", "d"], ["m", "z", "b"]]).ToInt32Array());
        var oneHot = new StringLookup(vocabulary: Vocab, outputMode: "one_hot").Apply(["a", "b", "c", "d", "z"]);
        Assert.Equal([5, 5], oneHot.Shape.ToArray());
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0], oneHot.ToArray());
        string[][] data = [["a", "c", "d", "d"], ["d", "z", "b", "z"]];
        Assert.Equal([0, 1, 0, 1, 1, 1, 0, 1, 0, 1], new StringLookup(vocabulary: Vocab, outputMode: "multi_hot").Apply(data).ToArray());
        Assert.Equal([0, 1, 0, 1, 2, 2, 0, 1, 0, 1], new StringLookup(vocabulary: Vocab, outputMode: "count").Apply(data).ToArray());
        var tfidf = new StringLookup(outputMode: "tf_idf");
        tfidf.SetVocabulary(Vocab, [0.25f, 0.75f, 0.6f, 0.4f]);
        Close([0, 0.25f, 0, 0.6f, 0.8f, 1.0f, 0, 0.75f, 0, 0.4f], tfidf.Apply(data));
        var withOov = new StringLookup(outputMode: "tf_idf");
        withOov.SetVocabulary(["[UNK]", .. Vocab], [0.9f, 0.25f, 0.75f, 0.6f, 0.4f]);
        Close([0, 0.25f, 0, 0.6f, 0.8f, 1.8f, 0, 0.75f, 0, 0.4f], withOov.Apply(data));
    }

    [Fact]
    public void StringLookupAdaptsInKerasOrderAndInverts()
    {
        var layer = new StringLookup();
        string[][] data = [["a", "c", "d"], ["d", "z", "b"]];
        layer.Adapt(data);
        Assert.Equal(["[UNK]", "d", "z", "c", "b", "a"], layer.GetVocabulary());
        Assert.Equal(["d", "z", "c", "b", "a"], layer.GetVocabulary(includeSpecialTokens: false));
        Assert.Equal([5, 3, 1, 1, 2, 4], layer.Apply(data).ToInt32Array());
        var inverse = new StringLookup(vocabulary: Vocab, invert: true);
        Assert.Equal([["a", "c", "d"], ["d", "[UNK]", "b"]], inverse.ApplyInverted([[1, 3, 4], [4, 0, 2]]));
        var forward = new StringLookup(vocabulary: Vocab);
        Assert.Equal(["a", "c", "d", "d", "[UNK]", "b"], inverse.ApplyInverted(forward.Apply([["a", "c", "d"], ["d", "z", "b"]]).ToInt32Array()));
    }

    [Fact]
    public void MaskTokenTakesIndexZeroAndMaxTokensKeepsTheMostFrequent()
    {
        var layer = new StringLookup(maxTokens: 4, maskToken: "");
        layer.Adapt(["x", "y", "y", "z", "z", "z", "", "w"]);
        Assert.Equal(["", "[UNK]", "z", "y"], layer.GetVocabulary());
        Assert.Equal([0, 2, 3, 1], layer.Apply(["", "z", "y", "x"]).ToInt32Array());
        // Outside "int" mode the mask token has no bin and is dropped.
        var multi = new StringLookup(maskToken: "", vocabulary: ["p", "q"], outputMode: "multi_hot");
        Assert.Equal(["[UNK]", "p", "q"], multi.GetVocabulary());
        Assert.Equal([0, 0, 1, 1, 0, 0], multi.Apply([["", "q"], ["[UNK]", ""]]).ToArray());
        var inverse = new StringLookup(maskToken: "", vocabulary: ["p", "q"], invert: true);
        Assert.Equal(["", "[UNK]", "p", "q", "[UNK]"], inverse.ApplyInverted([0, 1, 2, 3, 9]));
    }

    [Fact]
    public void TfIdfAdaptUsesKerasFormula()
    {
        var layer = new StringLookup(outputMode: "tf_idf");
        string[][] docs = [["a", "a", "b"], ["b", "c", "c"], ["c", "d", "d"]];
        layer.Adapt(docs);
        Assert.Equal(["[UNK]", "c", "d", "b", "a"], layer.GetVocabulary());
        // log(1 + num_documents / (1 + document_count)); OOV gets the mean of the token weights.
        float Idf(int docCount) => (float)Math.Log(1 + 3.0 / (1 + docCount));
        float[] tokens = [Idf(2), Idf(1), Idf(2), Idf(1)];
        Close([tokens.Average(), .. tokens], Tensor.FromArray([.. layer.IdfWeights!], 5));
        var y = layer.Apply([["a", "a", "c", "zz"]]);
        Close([tokens.Average(), tokens[0], 0, 0, 2 * tokens[3]], y);
    }

    [Fact]
    public void IntegerLookupMatchesKerasDocstring()
    {
        long[] vocab = [12, 36, 1138, 42];
        var data = Tensor.FromArray(new[] { 12, 1138, 42, 42, 1000, 36 }, 2, 3);
        var y = new IntegerLookup(vocabulary: vocab).Apply(data);
        Assert.Equal(DType.Int32, y.DType);
        Assert.Equal([1, 3, 4, 4, 0, 2], y.ToInt32Array());
        var adapted = new IntegerLookup();
        adapted.Adapt(data);
        Assert.Equal([-1L, 42, 1138, 1000, 36, 12], adapted.GetVocabulary());
        Assert.Equal([5, 2, 1, 1, 3, 4], adapted.Apply(data).ToInt32Array());
        Assert.Equal([2, 4, 5, 1, 0, 3], new IntegerLookup(vocabulary: vocab, numOovIndices: 2).Apply(Tensor.FromArray(new[] { 12, 1138, 42, 37, 1000, 36 }, 2, 3)).ToInt32Array());
        var oneHot = new IntegerLookup(vocabulary: vocab, outputMode: "one_hot").Apply(Tensor.FromArray(new[] { 12, 36, 1138, 42, 7 }, 5));
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0], oneHot.ToArray());
        var rows = Tensor.FromArray(new[] { 12, 1138, 42, 42, 42, 7, 36, 7 }, 2, 4);
        Assert.Equal([0, 1, 0, 1, 1, 1, 0, 1, 0, 1], new IntegerLookup(vocabulary: vocab, outputMode: "multi_hot").Apply(rows).ToArray());
        Assert.Equal([0, 1, 0, 1, 2, 2, 0, 1, 0, 1], new IntegerLookup(vocabulary: vocab, outputMode: "count").Apply(rows).ToArray());
        Close([0, 0.25f, 0, 0.6f, 0.8f, 1.0f, 0, 0.75f, 0, 0.4f], new IntegerLookup(outputMode: "tf_idf", vocabulary: vocab, idfWeights: [0.25f, 0.75f, 0.6f, 0.4f]).Apply(rows));
        Close([0, 0.25f, 0, 0.6f, 0.8f, 1.8f, 0, 0.75f, 0, 0.4f], new IntegerLookup(outputMode: "tf_idf", vocabulary: [-1, .. vocab], idfWeights: [0.9f, 0.25f, 0.75f, 0.6f, 0.4f]).Apply(rows));
        var inverse = new IntegerLookup(vocabulary: vocab, invert: true);
        Assert.Equal([12, 1138, 42, 42, -1, 36], inverse.Apply(Tensor.FromArray(new[] { 1, 3, 4, 4, 0, 2 }, 2, 3)).ToInt32Array());
        var forward = new IntegerLookup(vocabulary: vocab);
        var pair = new IntegerLookup(vocabulary: forward.GetVocabulary(), invert: true);
        Assert.Equal([12, 1138, 42, 42, -1, 36], pair.Apply(forward.Apply(data)).ToInt32Array());
    }

    public static TheoryData<string> ConfigSamples() => ["string", "string_adapted", "string_tfidf", "integer", "integer_adapted", "integer_invert"];

    private static Layer Sample(string name)
    {
        switch (name)
        {
            case "string":
                return new StringLookup(maxTokens: 9, numOovIndices: 2, maskToken: "", vocabulary: Vocab, name: "sl");
            case "string_adapted":
                var s = new StringLookup(outputMode: "count");
                s.Adapt(["x", "y", "y"]);
                return s;
            case "string_tfidf":
                return new StringLookup(outputMode: "tf_idf", vocabulary: Vocab, idfWeights: [0.5f, 0.25f, 1, 2], padToMaxTokens: true, maxTokens: 8);
            case "integer":
                return new IntegerLookup(maskToken: 0, oovToken: -7, vocabulary: [3, 4, 5], outputMode: "multi_hot");
            case "integer_adapted":
                var i = new IntegerLookup();
                i.Adapt(Tensor.FromArray(new[] { 1, 2, 2 }, 3));
                return i;
            default:
                return new IntegerLookup(vocabulary: [3, 4], invert: true);
        }
    }

    [Theory]
    [MemberData(nameof(ConfigSamples))]
    public void ConfigRoundTrips(string sample)
    {
        var layer = Sample(sample);
        var json = KerasSerializer.Serialize(layer).ToJsonString();
        var again = KerasSerializer.Layer(JsonNode.Parse(json));
        Assert.Equal(layer.GetType(), again.GetType());
        Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
    }

    [Fact]
    public void ConfigsUseKerasKeys()
    {
        var c = KerasSerializer.Serialize(new StringLookup(vocabulary: Vocab))["config"]!.AsObject();
        foreach (var key in new[] { "invert", "max_tokens", "num_oov_indices", "oov_token", "mask_token", "output_mode", "sparse", "pad_to_max_tokens", "idf_weights", "vocabulary", "vocabulary_size", "encoding" })
        {
            Assert.True(c.ContainsKey(key), key);
        }
        Assert.False(c.ContainsKey("vocabulary_dtype"));
        Assert.Equal(5, c["vocabulary_size"]!.GetValue<int>());
        Assert.Equal("[UNK]", c["oov_token"]!.GetValue<string>());
        var i = KerasSerializer.Serialize(new IntegerLookup())["config"]!.AsObject();
        Assert.Equal("int64", i["vocabulary_dtype"]!.GetValue<string>());
        Assert.Equal(-1, i["oov_token"]!.GetValue<long>());
        Assert.Null(i["vocabulary"]);
    }

    [Fact]
    public void BadArgumentsAndInputsNameTheLayerAndArgument()
    {
        Assert.Contains("max_tokens", Assert.Throws<ArgumentOutOfRangeException>(() => new StringLookup(maxTokens: 1, name: "s1")).Message);
        Assert.Contains("pad_to_max_tokens", Assert.Throws<ArgumentException>(() => new StringLookup(padToMaxTokens: true)).Message);
        Assert.Contains("invert", Assert.Throws<ArgumentException>(() => new StringLookup(invert: true, outputMode: "count")).Message);
        Assert.Contains("idf_weights", Assert.Throws<ArgumentException>(() => new StringLookup(vocabulary: Vocab, outputMode: "tf_idf")).Message);
        Assert.Contains("idf_weights", Assert.Throws<ArgumentException>(() => new StringLookup(vocabulary: Vocab, idfWeights: [1, 2, 3, 4])).Message);
        var repeated = Assert.Throws<ArgumentException>(() => new StringLookup(vocabulary: ["a", "b", "a"], name: "s2"));
        Assert.Contains("StringLookup layer 's2'", repeated.Message);
        Assert.Contains("[a]", repeated.Message);
        Assert.Contains("mask token", Assert.Throws<ArgumentException>(() => new StringLookup(maskToken: "", vocabulary: ["a", ""])).Message);
        Assert.Contains("max_tokens is 3", Assert.Throws<ArgumentException>(() => new StringLookup(maxTokens: 3, vocabulary: Vocab)).Message);
        var oov = Assert.Throws<ArgumentException>(() => new StringLookup(numOovIndices: 0, vocabulary: Vocab, name: "s3").Apply(["a", "q"]));
        Assert.Contains("'s3'", oov.Message);
        Assert.Contains("[q]", oov.Message);
        Assert.Contains("vocabulary", Assert.Throws<InvalidOperationException>(() => new StringLookup(outputMode: "multi_hot").Apply(["a"])).Message);
        Assert.Contains("static vocabulary", Assert.Throws<InvalidOperationException>(() => new StringLookup(vocabulary: Vocab).Adapt(["a"])).Message);
        Assert.Contains("ApplyInverted", Assert.Throws<InvalidOperationException>(() => new StringLookup(vocabulary: Vocab, invert: true).Apply(["a"])).Message);
        Assert.Contains("strings", Assert.Throws<NotSupportedException>(() => new StringLookup(vocabulary: Vocab).Apply(Tensor.FromArray(new[] { 1f }, 1))).Message);
        var frac = Assert.Throws<ArgumentException>(() => new IntegerLookup(vocabulary: [1, 2], name: "il").Apply(Tensor.FromArray(new[] { 1f, 2.5f }, 2)));
        Assert.Contains("IntegerLookup layer 'il'", frac.Message);
        Assert.Contains("2.5", frac.Message);
        Assert.Contains("rank is 2", Assert.Throws<ArgumentException>(() => new IntegerLookup(vocabulary: [1, 2], outputMode: "count").Apply(Tensor.FromArray(new int[8], 2, 2, 2))).Message);
        Assert.Contains("vocabulary_dtype", Assert.Throws<ArgumentException>(() => new IntegerLookup(vocabularyDtype: "int32")).Message);
    }
}
