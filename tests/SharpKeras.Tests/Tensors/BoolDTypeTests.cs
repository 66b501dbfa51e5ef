using SharpKeras.Saving;

namespace SharpKeras.Tests.Tensors;

/// <summary>The bool dtype: its Keras name, storage, copies, and how files and configs spell it.</summary>
public class BoolDTypeTests
{
    [Fact]
    public void BoolTensorsStoreZeroAndOne()
    {
        var t = Tensor.FromArray(new[] { true, false, true }, 3);
        Assert.Equal("bool", t.DType.Name());
        Assert.Equal(DType.Bool, KerasSerializer.ParseDType("bool"));
        Assert.Equal(new byte[] { 1, 0, 1 }, t.ToByteArray());
        Assert.Equal([1f, 0f, 1f], t.ToArray());
        Assert.Equal([1, 0, 1], t.ToInt32Array());
        Assert.Equal(1f, t[2]);
        var c = t.Clone();
        Assert.Equal(DType.Bool, c.DType);
        Assert.Equal(t.ToBoolArray(), c.ToBoolArray());
        Assert.Equal(DType.Bool, t.Reshape(3, 1).DType);
        Assert.Equal(DType.Bool, t.Gather([2, 0]).DType);
        Assert.Equal([true, true], t.Gather([2, 0]).ToBoolArray());
        Assert.Contains("dtype=bool", t.ToString());
        Assert.Contains("Cannot shape 3 elements", Assert.Throws<ArgumentException>(() => Tensor.FromArray(new[] { true, false, true }, 2, 2)).Message);
    }

    [Fact]
    public void BoolTensorsRoundTripThroughNpy()
    {
        var t = Tensor.FromArray(new[] { true, false, false, true }, 2, 2);
        using var ms = new MemoryStream();
        NumpyFile.Write(ms, t);
        var bytes = ms.ToArray();
        Assert.Contains("|b1", System.Text.Encoding.ASCII.GetString(bytes, 0, 64));
        ms.Position = 0;
        var back = NumpyFile.Read(ms, "t.npy", ms.Length, requireEnd: true, require: null, hint: "");
        Assert.Equal(new Shape(2, 2), back.Shape);
        Assert.Equal(t.ToBoolArray(), back.ToBoolArray());
    }
}
