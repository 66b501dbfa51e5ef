using O = SharpKeras.Ops;

namespace SharpKeras.Tests.Operations;

/// <summary>keras.ops's array manipulation: NumPy's values, finite-difference gradients and errors that name the op.</summary>
public class NumpyOpsTests
{
    private static Tensor Seq(params int[] shape) => Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(v => (float)v).ToArray(), shape);

    [Fact]
    public void ArangeFollowsNumPy()
    {
        var a = O.Arange(5);
        Assert.Equal(DType.Int32, a.DType);
        Assert.Equal([0, 1, 2, 3, 4], a.ToInt32Array());
        Assert.Equal([2, 5, 8], O.Arange(2, 10, 3).ToInt32Array());
        Assert.Equal([10, 7, 4, 1], O.Arange(10, 0, -3).ToInt32Array());
        Assert.Equal(0, O.Arange(3, 1).Length);
        var f = O.Arange(0f, 1f, 0.25f);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], f.ToArray());
        Assert.Equal(DType.Float32, O.Arange(3, dtype: DType.Float32).DType);
        var e = Assert.Throws<ArgumentException>(() => O.Arange(0, 5, 0));
        Assert.Contains("step", e.Message);
    }

    [Fact]
    public void ExpandDimsAndSqueeze()
    {
        var x = Seq(2, 3);
        Assert.Equal(new Shape(1, 2, 3), O.ExpandDims(x, 0).Shape);
        Assert.Equal(new Shape(2, 3, 1), O.ExpandDims(x, -1).Shape);
        Assert.Equal(new Shape(1, 2, 1, 3), O.ExpandDims(x, [0, 2]).Shape);
        Assert.Equal(new Shape(2, 3), O.Squeeze(O.ExpandDims(x, [0, -1])).Shape);
        Assert.Equal(new Shape(2, 3, 1), O.Squeeze(O.ExpandDims(x, [0, -1]), 0).Shape);
        Assert.Equal(x.ToArray(), O.Squeeze(O.ExpandDims(x, 1), [1]).ToArray());
        var e = Assert.Throws<ArgumentException>(() => O.Squeeze(x, 1));
        Assert.Contains("Squeeze", e.Message);
        Assert.Contains("its size is 3, expected 1", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => O.ExpandDims(x, 4));
        Assert.Contains("ExpandDims: axis 4", r.Message);
        // Views keep the dtype and are differentiable.
        Assert.Equal(DType.Int32, O.ExpandDims(O.Arange(3), 0).DType);
        GradCheck.Check(t => O.Squeeze(O.ExpandDims(t[0], [1, 3]), [3]), [GradCheck.Random(3, -1, 1, 2, 3)]);
    }

    [Fact]
    public void StackAndSplit()
    {
        var a = Seq(2, 3);
        var b = O.Add(Seq(2, 3), Tensor.Scalar(10));
        var s = O.Stack([a, b], 1);
        Assert.Equal(new Shape(2, 2, 3), s.Shape);
        Assert.Equal([0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15], s.ToArray());
        Assert.Equal(new Shape(2, 3, 2), O.Stack([a, b], -1).Shape);
        Assert.Equal(DType.Int32, O.Stack([O.Arange(3), O.Arange(3)]).DType);
        Assert.Contains("tensor 1 has (3, 2)", Assert.Throws<ArgumentException>(() => O.Stack([a, Seq(3, 2)])).Message);
        GradCheck.Check(t => O.Stack(t, 1), [GradCheck.Random(1, -1, 1, 2, 3), GradCheck.Random(2, -1, 1, 2, 3)]);

        var x = Seq(6, 2);
        var parts = O.Split(x, 3);
        Assert.Equal(3, parts.Length);
        Assert.Equal([4, 5, 6, 7], parts[1].ToArray());
        var uneven = O.Split(x, [1, 4], 0);
        Assert.Equal(new[] { 1, 3, 2 }, uneven.Select(p => p.Shape[0]));
        Assert.Equal([8, 9, 10, 11], uneven[2].ToArray());
        var cols = O.Split(x, 2, -1);
        Assert.Equal([0, 2, 4, 6, 8, 10], cols[0].ToArray());
        Assert.Contains("which 4 equal sections do not divide", Assert.Throws<ArgumentException>(() => O.Split(x, 4)).Message);
        GradCheck.Check(t => O.Concatenate([O.Multiply(O.Split(t[0], [1], 1)[0], Tensor.Scalar(2)), O.Split(t[0], [1], 1)[1]], 1), [GradCheck.Random(4, -1, 1, 3, 4)]);
    }

    [Fact]
    public void SliceAndStridedSlice()
    {
        var x = Seq(3, 4);
        var s = O.Slice(x, [1, 1], [2, 2]);
        Assert.Equal([5, 6, 9, 10], s.ToArray());
        Assert.Contains("does not fit", Assert.Throws<ArgumentOutOfRangeException>(() => O.Slice(x, [2, 0], [2, 4])).Message);
        Assert.Contains("needs 2 start indices", Assert.Throws<ArgumentException>(() => O.Slice(x, [0], [1])).Message);

        // x[::-1, 1::2] and x[-2:, ::-3], as NumPy gives them.
        Assert.Equal([9, 11, 5, 7, 1, 3], O.StridedSlice(x, [null, 1], [null, null], [-1, 2]).ToArray());
        Assert.Equal([7, 4, 11, 8], O.StridedSlice(x, [-2, null], [null, null], [1, -3]).ToArray());
        // x[5:100] on an axis of 3 is empty; x[-100:2] clamps; only the first axis given keeps the rest whole.
        Assert.Equal(new Shape(0, 4), O.StridedSlice(x, [5], [100]).Shape);
        Assert.Equal(new Shape(2, 4), O.StridedSlice(x, [-100], [2]).Shape);
        Assert.Equal([8, 9, 10, 11, 4, 5, 6, 7], O.StridedSlice(x, [2], [0], [-1]).ToArray());
        Assert.Contains("stride of axis 0 is 0", Assert.Throws<ArgumentException>(() => O.StridedSlice(x, [0], [1], [0])).Message);
        GradCheck.Check(t => O.StridedSlice(t[0], [null, 3], [null, null], [-1, -2]), [GradCheck.Random(5, -1, 1, 3, 5)]);
    }

    [Fact]
    public void PadModesFollowNumPy()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }, 3);
        Assert.Equal([9, 9, 1, 2, 3, 9], O.Pad(x, [(2, 1)], "constant", 9).ToArray());
        Assert.Equal([1, 1, 1, 2, 3, 3], O.Pad(x, [(2, 1)], "edge").ToArray());
        // np.pad([1, 2, 3], (4, 3), "reflect") and "symmetric" and "wrap".
        Assert.Equal([1, 2, 3, 2, 1, 2, 3, 2, 1, 2], O.Pad(x, [(4, 3)], "reflect").ToArray());
        Assert.Equal([3, 3, 2, 1, 1, 2, 3, 3, 2, 1], O.Pad(x, [(4, 3)], "symmetric").ToArray());
        Assert.Equal([3, 1, 2, 3, 1, 2, 3, 1, 2, 3], O.Pad(x, [(4, 3)], "wrap").ToArray());
        var m = Seq(2, 2);
        var p = O.Pad(m, [(1, 0), (0, 2)]);
        Assert.Equal(new Shape(3, 4), p.Shape);
        Assert.Equal([0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 0, 0], p.ToArray());
        Assert.Contains("mode 'median' is not supported", Assert.Throws<ArgumentException>(() => O.Pad(x, [(1, 1)], "median")).Message);
        Assert.Contains("needs 2 (before, after) pairs", Assert.Throws<ArgumentException>(() => O.Pad(m, [(1, 1), (1, 1), (1, 1)])).Message);
        Assert.Contains(">= 0", Assert.Throws<ArgumentException>(() => O.Pad(x, [(-1, 1)])).Message);
        foreach (var mode in new[] { "constant", "reflect", "symmetric", "edge", "wrap" })
        {
            GradCheck.Check(t => O.Pad(t[0], [(2, 3), (1, 2)], mode, 0.5f), [GradCheck.Random(6, -1, 1, 3, 4)]);
        }
    }

    [Fact]
    public void TileRepeatAndBroadcastTo()
    {
        var x = Seq(2, 2);
        Assert.Equal([0, 1, 0, 1, 2, 3, 2, 3], O.Tile(x, [1, 2]).ToArray());
        Assert.Equal(new Shape(2, 4, 2), O.Tile(x, [2, 2, 1]).Shape);
        Assert.Equal(new Shape(2, 2), O.Tile(x, [1]).Shape);
        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], O.Repeat(x, 2).ToArray());
        Assert.Equal([0, 1, 0, 1, 0, 1, 2, 3], O.Repeat(x, [3, 1], 0).ToArray());
        Assert.Equal([0, 0, 1, 2, 2, 3], O.Repeat(x, [2, 1], 1).ToArray());
        Assert.Contains("repeats needs 2 counts", Assert.Throws<ArgumentException>(() => O.Repeat(x, [1, 2, 3], 0)).Message);
        Assert.Equal([0, 1, 0, 1, 0, 1], O.BroadcastTo(Seq(2), [3, 2]).ToArray());
        Assert.Contains("cannot be broadcast to (3, 3)", Assert.Throws<ArgumentException>(() => O.BroadcastTo(Seq(2), [3, 3])).Message);
        GradCheck.Check(t => O.Tile(t[0], [2, 3]), [GradCheck.Random(7, -1, 1, 2, 3)]);
        GradCheck.Check(t => O.Repeat(t[0], [1, 0, 3], 1), [GradCheck.Random(8, -1, 1, 2, 3)]);
        GradCheck.Check(t => O.BroadcastTo(t[0], [4, 2, 3]), [GradCheck.Random(9, -1, 1, 2, 1)]);
        // Integer tensors keep their dtype through the gathers.
        var ints = O.Tile(O.Arange(3), [2]);
        Assert.Equal(DType.Int32, ints.DType);
        Assert.Equal([0, 1, 2, 0, 1, 2], ints.ToInt32Array());
    }

    [Fact]
    public void EmptyDimsPassThrough()
    {
        var x = Tensor.Zeros(new Shape(0, 3));
        Assert.Equal(new Shape(0, 6), O.Tile(x, [1, 2]).Shape);
        Assert.Equal(new Shape(2, 3), O.Pad(x, [(1, 1), (0, 0)]).Shape);
        Assert.Equal(new Shape(1, 0, 3), O.ExpandDims(x, 0).Shape);
        Assert.Equal(new Shape(0, 1), O.Slice(x, [0, 1], [0, 1]).Shape);
    }

    [Fact]
    public void GathersReplayWithoutAllocating()
    {
        var x = GradCheck.Random(3, -1, 1, 8, 16);
        using var tape = new GradientTape();
        tape.Watch(x);
        var y = O.Sum(O.Pad(O.StridedSlice(O.Tile(x, [2, 1]), [null, 1], [null, null], [-1, 2]), [(1, 1), (2, 2)], "reflect"));
        var grads = tape.Gradient(y, [x]);
        tape.ReplayForward();
        tape.ReplayBackward();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            tape.ReplayForward();
            tape.ReplayBackward();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotNull(grads[0]);
    }
}
