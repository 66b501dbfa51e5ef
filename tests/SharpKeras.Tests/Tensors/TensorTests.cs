namespace SharpKeras.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void FromArrayChecksTheShape()
    {
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(6f, t[1, 2]);
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[] { 1, 2, 3 }, 2, 2));
        Assert.Contains("(2, 2)", e.Message);
    }

    [Fact]
    public void ArithmeticBroadcastsAsNumPy()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var row = Tensor.FromArray(new float[] { 10, 20, 30 }, 3);
        var col = Tensor.FromArray(new float[] { 100, 200 }, 2, 1);
        Assert.Equal(new float[] { 11, 22, 33, 14, 25, 36 }, (a + row).ToArray());
        Assert.Equal(new float[] { 101, 102, 103, 204, 205, 206 }, (a + col).ToArray());
        Assert.Equal(new float[] { -9, -18, -27, -6, -15, -24 }, (a - row).ToArray());
        Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, (a * 2.0).ToArray());
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }, (a / 2.0).ToArray());
        Assert.Equal(new float[] { 0, -1, -2, -3, -4, -5 }, (1.0 - a).ToArray());
        Assert.Equal(new float[] { 10, 5 }, (10.0 / Tensor.FromArray(new float[] { 1, 2 })).ToArray());
        Assert.Equal(new Shape(2, 2, 3), (a + Tensor.Zeros(new Shape(2, 1, 1))).Shape);
        var e = Assert.Throws<ArgumentException>(() => a + Tensor.Zeros(new Shape(2)));
        Assert.Contains("cannot be broadcast", e.Message);
    }

    [Fact]
    public void Uint8ImagesDivideToFloat32()
    {
        var images = Tensor.FromArray(new byte[] { 0, 51, 255, 102 }, 1, 2, 2);
        var x = images / 255.0;
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal(new float[] { 0, 0.2f, 1, 0.4f }, x.ToArray());
    }

    [Fact]
    public void ReshapeInfersOneDimensionAndSharesStorage()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = a.Reshape(-1, 2);
        Assert.Equal(new Shape(3, 2), b.Shape);
        Assert.Throws<ArgumentException>(() => a.Reshape(4, -1));
        Assert.Throws<ArgumentException>(() => a.Reshape(-1, -1));
    }

    [Fact]
    public void SliceAndGatherTakeRows()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        Assert.Equal(new float[] { 3, 4, 5, 6 }, a.Slice(1, 2).ToArray());
        Assert.Equal(new float[] { 5, 6, 1, 2 }, a.Gather([2, 0]).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Slice(2, 2));
        var labels = Tensor.FromArray(new byte[] { 7, 8, 9 });
        Assert.Equal(new byte[] { 9, 7 }, labels.Gather([2, 0]).ToByteArray());
    }

    [Fact]
    public void ShapeFormatsAsKeras()
    {
        Assert.Equal("(None, 784)", new Shape(-1, 784).ToString());
        Assert.Equal("(10,)", new Shape(10).ToString());
        Assert.Equal("()", Shape.Scalar.ToString());
    }

    [Fact]
    public void CastConvertsBetweenDTypes()
    {
        var f = Tensor.FromArray(new float[] { 1.7f, -2.2f, 300f });
        Assert.Equal(new[] { 1, -2, 300 }, f.Cast(DType.Int32).ToInt32Array());
        Assert.Equal(new byte[] { 1, 0, 255 }, f.Cast(DType.UInt8).ToByteArray());
        Assert.Equal(new float[] { 1, 0, 255 }, f.Cast(DType.UInt8).Cast(DType.Float32).ToArray());
        Assert.Equal(5f, Tensor.FromArray(new int[] { 5 }).Item());
        Assert.Throws<InvalidOperationException>(() => f.Item());
    }

    [Fact]
    public void VariableAssignChecksShape()
    {
        var v = new Variable("kernel", Tensor.Zeros(new Shape(2, 2)));
        v.Assign(Tensor.Ones(new Shape(2, 2)));
        Assert.Equal(new float[] { 1, 1, 1, 1 }, v.Numpy().ToArray());
        var e = Assert.Throws<ArgumentException>(() => v.Assign(Tensor.Ones(new Shape(4))));
        Assert.Contains("kernel", e.Message);
        Assert.Contains("(2, 2)", e.Message);
    }

    [Fact]
    public void ThreadsMustBePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Config.Threads = 0);
    }
}
