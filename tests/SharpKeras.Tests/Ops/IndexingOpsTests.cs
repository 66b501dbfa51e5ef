using O = SharpKeras.Ops;

namespace SharpKeras.Tests.Operations;

/// <summary>keras.ops's take, take_along_axis, sort, argsort, top_k, one_hot(axis), cumsum, cumprod and the special functions.</summary>
public class IndexingOpsTests
{
    private static Tensor Seq(params int[] shape) => Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(v => (float)v).ToArray(), shape);

    [Fact]
    public void TakeFollowsNumPy()
    {
        var x = Seq(3, 4);
        var rows = O.Take(x, Tensor.FromArray(new[] { 2, 0, -1 }, 3), 0);
        Assert.Equal(new Shape(3, 4), rows.Shape);
        Assert.Equal([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11], rows.ToArray());
        var cols = O.Take(x, Tensor.FromArray(new[] { 1, 3, 1, 0 }, 2, 2), 1);
        Assert.Equal(new Shape(3, 2, 2), cols.Shape);
        Assert.Equal([1, 3, 1, 0, 5, 7, 5, 4, 9, 11, 9, 8], cols.ToArray());
        Assert.Equal([5, 11], O.Take(x, Tensor.FromArray(new[] { 5, 11 }, 2)).ToArray());
        Assert.Equal(DType.Int32, O.Take(O.Arange(5), Tensor.FromArray(new[] { 4 }, 1)).DType);
        var e = Assert.Throws<IndexOutOfRangeException>(() => O.Take(x, Tensor.FromArray(new[] { 0, 4 }, 2), 1));
        Assert.Contains("Take: index 4", e.Message);
        Assert.Contains("axis 1 of size 4", e.Message);
        // Repeated indices add their gradients.
        var idx = Tensor.FromArray(new[] { 1, 1, 0, 2, 1 }, 5);
        GradCheck.Check(t => O.Take(t[0], idx, 1), [GradCheck.Random(1, -1, 1, 2, 3)]);
    }

    [Fact]
    public void TakeFollowsNewIndicesWhenReplayed()
    {
        var x = GradCheck.Random(2, -1, 1, 4, 3);
        var idx = Tensor.FromArray(new[] { 0, 1 }, 2);
        using var tape = new GradientTape();
        tape.Watch(x);
        var y = O.Take(x, idx, 0);
        var loss = O.Sum(y);
        var g = tape.Gradient(loss, [x])[0]!;
        Assert.Equal([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], g.ToArray());
        idx.Int32Span[0] = 3;
        idx.Int32Span[1] = 3;
        tape.ReplayForward();
        tape.ReplayBackward();
        Assert.Equal(x.ToArray()[9..12].Concat(x.ToArray()[9..12]), y.ToArray());
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2], g.ToArray());
    }

    [Fact]
    public void TakeAlongAxisBroadcastsTheOtherAxes()
    {
        var x = Tensor.FromArray(new float[] { 10, 30, 20, 60, 40, 50 }, 2, 3);
        var idx = O.Argsort(x, 1);
        Assert.Equal([0, 2, 1, 1, 2, 0], idx.ToInt32Array());
        Assert.Equal([10, 20, 30, 40, 50, 60], O.TakeAlongAxis(x, idx, 1).ToArray());
        // Indices (1, 2) against x (2, 3) along axis 1: the row axis broadcasts.
        var shared = Tensor.FromArray(new[] { 2, -3 }, 1, 2);
        Assert.Equal([20, 10, 50, 60], O.TakeAlongAxis(x, shared, 1).ToArray());
        Assert.Equal([50, 30], O.TakeAlongAxis(x, Tensor.FromArray(new[] { 5, 1 }, 2), null).ToArray());
        Assert.Equal([60, 30, 50], O.TakeAlongAxis(x, Tensor.FromArray(new[] { 1, 0, 1 }, 1, 3), 0).ToArray());
        Assert.Contains("must have the rank of x", Assert.Throws<ArgumentException>(() => O.TakeAlongAxis(x, Tensor.FromArray(new[] { 0 }, 1), 1)).Message);
        GradCheck.Check(t => O.TakeAlongAxis(t[0], Tensor.FromArray(new[] { 2, 2, 0, 1, 0, 0 }, 2, 3), 1), [GradCheck.Random(3, -1, 1, 2, 3)]);
    }

    [Fact]
    public void SortArgsortAndTopK()
    {
        var x = Tensor.FromArray(new float[] { 3, 1, 2, 1, float.NaN, 0 }, 2, 3);
        Assert.Equal([1, 2, 3, 0, 1, float.NaN], O.Sort(x).ToArray());
        Assert.Equal([1, 2, 0, 2, 0, 1], O.Argsort(x).ToInt32Array());
        Assert.Equal([1, 1, 0, 3, float.NaN, 2], O.Sort(x, 0).ToArray());
        var ties = Tensor.FromArray(new float[] { 5, 7, 5, 7, 1 }, 5);
        Assert.Equal([4, 0, 2, 1, 3], O.Argsort(ties).ToInt32Array());
        var (values, indices) = O.TopK(ties, 3);
        Assert.Equal([7, 7, 5], values.ToArray());
        Assert.Equal([1, 3, 0], indices.ToInt32Array());
        Assert.Equal(DType.Int32, indices.DType);
        var (v2, i2) = O.TopK(Seq(2, 4), 2);
        Assert.Equal(new Shape(2, 2), v2.Shape);
        Assert.Equal([3, 2, 7, 6], v2.ToArray());
        Assert.Equal([3, 2, 3, 2], i2.ToInt32Array());
        Assert.Contains("TopK: k = 6", Assert.Throws<ArgumentOutOfRangeException>(() => O.TopK(ties, 6)).Message);
        Assert.Equal(DType.Int32, O.Sort(Tensor.FromArray(new[] { 3, 1, 2 }, 3)).DType);
        Assert.Equal([1, 2, 3], O.Sort(Tensor.FromArray(new[] { 3, 1, 2 }, 3)).ToInt32Array());
        var g = Tensor.FromArray(new float[] { 0.3f, -0.8f, 0.9f, 0.1f, -0.4f, 0.65f }, 2, 3);
        GradCheck.Check(t => O.Sort(t[0], 1), [g]);
        GradCheck.Check(t => O.Sort(t[0], 0), [g]);
        GradCheck.Check(t => O.TopK(t[0], 2).Values, [g]);
    }

    [Fact]
    public void OneHotWithAnAxis()
    {
        var labels = Tensor.FromArray(new[] { 0, 2, -1, 3 }, 2, 2);
        var last = O.OneHot(labels, 3, -1);
        Assert.Equal(new Shape(2, 2, 3), last.Shape);
        // Out-of-range labels (-1, 3) give zero vectors, as Keras's one_hot.
        Assert.Equal([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], last.ToArray());
        var first = O.OneHot(labels, 3, 0);
        Assert.Equal(new Shape(3, 2, 2), first.Shape);
        Assert.Equal([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], first.ToArray());
        var mid = O.OneHot(labels, 3, 1);
        Assert.Equal(new Shape(2, 3, 2), mid.Shape);
        Assert.Equal([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], mid.ToArray());
        Assert.Equal(DType.Int32, O.OneHot(labels, 3, -1, DType.Int32).DType);
        Assert.Contains("OneHot: axis 4", Assert.Throws<ArgumentOutOfRangeException>(() => O.OneHot(labels, 3, 4)).Message);
    }

    [Fact]
    public void CumsumAndCumprod()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal([1, 3, 6, 10, 15, 21], O.Cumsum(x).ToArray());
        Assert.Equal(new Shape(6), O.Cumsum(x).Shape);
        Assert.Equal([1, 3, 6, 4, 9, 15], O.Cumsum(x, 1).ToArray());
        Assert.Equal([1, 2, 3, 5, 7, 9], O.Cumsum(x, 0).ToArray());
        Assert.Equal([1, 2, 6, 4, 20, 120], O.Cumprod(x, -1).ToArray());
        Assert.Equal(DType.Int32, O.Cumsum(O.Arange(4)).DType);
        Assert.Equal([0, 1, 3, 6], O.Cumsum(O.Arange(4)).ToInt32Array());
        Assert.Contains("Cumsum: axis 2", Assert.Throws<ArgumentOutOfRangeException>(() => O.Cumsum(x, 2)).Message);
        GradCheck.Check(t => O.Cumsum(t[0], 0), [GradCheck.Random(4, -1, 1, 3, 2)]);
        GradCheck.Check(t => O.Cumprod(t[0], 1), [GradCheck.Random(5, -1, 1, 2, 4)]);
        // Cumprod's gradient stays exact past a zero.
        var z = Tensor.FromArray(new float[] { 2f, 0f, 3f }, 3);
        using var tape = new GradientTape();
        tape.Watch(z);
        var grad = tape.Gradient(O.Sum(O.Cumprod(z)), [z])[0]!;
        // d/dz of z0 + z0 z1 + z0 z1 z2 at (2, 0, 3): (1 + z1 + z1 z2, z0 + z0 z2, z0 z1).
        Assert.Equal([1f, 8f, 0f], grad.ToArray());
    }

    [Fact]
    public void SpecialFunctionsAndClip()
    {
        var x = Tensor.FromArray(new float[] { -2f, -0.5f, 0f, 1e-6f, 0.5f, 3f }, 6);
        var erf = O.Erf(x).ToArray();
        double[] expected = [-0.9953222650189527, -0.5204998778130465, 0, 1.1283791670955126e-6, 0.5204998778130465, 0.9999779095030014];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(erf[i] - expected[i]) <= 3e-7 + 1e-6 * Math.Abs(expected[i]), $"erf({x.ToArray()[i]}) = {erf[i]}, expected {expected[i]}");
        }
        Assert.Equal(1e-6f, O.Log1p(Tensor.FromArray(new float[] { 1e-6f }, 1)).Item(), 10);
        Assert.Equal(1e-6f, O.Expm1(Tensor.FromArray(new float[] { 1e-6f }, 1)).Item(), 10);
        Assert.Equal(MathF.Log(3f), O.Log1p(Tensor.FromArray(new float[] { 2f }, 1)).Item(), 6);
        Assert.Equal(MathF.Exp(2f) - 1f, O.Expm1(Tensor.FromArray(new float[] { 2f }, 1)).Item(), 4);
        Assert.Equal([2f, 0.5f, 0f, 1e-6f, 0.5f, 3f], O.Abs(x).ToArray());
        Assert.Equal([-1f, -0.5f, 0f, 1e-6f, 0.5f, 1f], O.Clip(x, -1f, 1f).ToArray());
        var g = Tensor.FromArray(new float[] { -1.3f, -0.4f, 0.2f, 0.7f, 1.9f, 0.05f }, 2, 3);
        GradCheck.Check(t => O.Erf(t[0]), [g]);
        GradCheck.Check(t => O.Expm1(t[0]), [g]);
        GradCheck.Check(t => O.Abs(t[0]), [g]);
        GradCheck.Check(t => O.Log1p(t[0]), [Tensor.FromArray(new float[] { 0.1f, 0.6f, 0.2f, 0.7f, 1.9f, 0.05f }, 2, 3)]);
        GradCheck.Check(t => O.Clip(t[0], -1f, 1f), [g]);
    }
}
