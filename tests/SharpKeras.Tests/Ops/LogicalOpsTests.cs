using O = SharpKeras.Ops;

namespace SharpKeras.Tests.Operations;

/// <summary>keras.ops's comparisons, logical ops and where: bool results, NumPy broadcasting, where's gradient.</summary>
public class LogicalOpsTests
{
    [Fact]
    public void ComparisonsBroadcastAndReturnBool()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = Tensor.FromArray(new float[] { 2, 2, 7 }, 3);
        Assert.Equal(DType.Bool, O.Equal(a, b).DType);
        Assert.Equal([false, true, false, false, false, false], O.Equal(a, b).ToBoolArray());
        Assert.Equal([true, false, true, true, true, true], O.NotEqual(a, b).ToBoolArray());
        Assert.Equal([false, false, false, true, true, false], O.Greater(a, b).ToBoolArray());
        Assert.Equal([false, true, false, true, true, false], O.GreaterEqual(a, b).ToBoolArray());
        Assert.Equal([true, false, true, false, false, true], O.Less(a, b).ToBoolArray());
        Assert.Equal([true, true, true, false, false, true], O.LessEqual(a, b).ToBoolArray());
        // (2, 1) against (3,) broadcasts to (2, 3); an int tensor against a float one compares the values.
        var col = Tensor.FromArray(new int[] { 2, 5 }, 2, 1);
        var r = O.Less(col, b);
        Assert.Equal(new Shape(2, 3), r.Shape);
        Assert.Equal([false, false, true, false, false, true], r.ToBoolArray());
        // NaN is unequal to everything, itself included.
        var nan = Tensor.FromArray(new float[] { float.NaN }, 1);
        Assert.Equal([false], O.Equal(nan, nan).ToBoolArray());
        Assert.Equal([true], O.NotEqual(nan, nan).ToBoolArray());
        var e = Assert.Throws<ArgumentException>(() => O.Greater(a, Tensor.Zeros(new Shape(2))));
        Assert.Contains("Greater:", e.Message);
        Assert.Contains("(2, 3) and (2,)", e.Message);
    }

    [Fact]
    public void LogicalOpsUseTruthValues()
    {
        var a = Tensor.FromArray(new[] { true, true, false, false }, 4);
        var b = Tensor.FromArray(new float[] { 2, 0, -1, 0 }, 4);
        Assert.Equal([true, false, false, false], O.LogicalAnd(a, b).ToBoolArray());
        Assert.Equal([true, true, true, false], O.LogicalOr(a, b).ToBoolArray());
        Assert.Equal([false, true, true, false], O.LogicalXor(a, b).ToBoolArray());
        Assert.Equal([false, true, false, true], O.LogicalNot(b).ToBoolArray());
        Assert.Equal(DType.Bool, O.LogicalNot(b).DType);
        var scalar = O.LogicalAnd(Tensor.FromArray(new[] { true, false }, 2, 1), Tensor.FromArray(new[] { true, true, false }, 3));
        Assert.Equal(new Shape(2, 3), scalar.Shape);
        Assert.Equal([true, true, false, false, false, false], scalar.ToBoolArray());
        Assert.Contains("LogicalOr:", Assert.Throws<ArgumentException>(() => O.LogicalOr(a, Tensor.Zeros(new Shape(3)))).Message);
    }

    [Fact]
    public void WhereSelectsBroadcastsAndRoutesTheGradient()
    {
        var cond = Tensor.FromArray(new[] { true, false, true }, 3);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var y = Tensor.Scalar(-1);
        var w = O.Where(cond, x, y);
        Assert.Equal(new Shape(2, 3), w.Shape);
        Assert.Equal([1, -1, 3, 4, -1, 6], w.ToArray());
        // A comparison as the condition, the usual masking idiom.
        Assert.Equal([0, 0, 3, 4, 5, 6], O.Where(O.Greater(x, Tensor.Scalar(2)), x, Tensor.Scalar(0)).ToArray());
        Assert.Equal(DType.Int32, O.Where(cond, O.Arange(3), O.Arange(3, 6)).DType);
        Assert.Equal([0, 4, 2], O.Where(cond, O.Arange(3), O.Arange(3, 6)).ToInt32Array());
        var c2 = Tensor.FromArray(new[] { true, false, false, true, true, false }, 2, 3);
        GradCheck.Check(t => O.Where(c2, t[0], t[1]), [GradCheck.Random(1, -1, 1, 2, 3), GradCheck.Random(2, -1, 1, 3)]);
        GradCheck.Check(t => O.Where(cond, t[0], t[1]), [GradCheck.Random(3, -1, 1, 2, 1), GradCheck.Random(4, -1, 1, 2, 3)]);
        Assert.Contains("Where:", Assert.Throws<ArgumentException>(() => O.Where(Tensor.FromArray(new[] { true, false }, 2), x, y)).Message);
    }

    [Fact]
    public void CastReachesEveryDType()
    {
        var x = Tensor.FromArray(new float[] { -1.5f, 0f, 2.7f, 300f }, 4);
        var asBool = O.Cast(x, DType.Bool);
        Assert.Equal(DType.Bool, asBool.DType);
        Assert.Equal([true, false, true, true], asBool.ToBoolArray());
        Assert.Equal([1f, 0f, 1f, 1f], O.Cast(asBool, DType.Float32).ToArray());
        Assert.Equal([1, 0, 1, 1], O.Cast(asBool, DType.Int32).ToInt32Array());
        Assert.Equal(new byte[] { 1, 0, 1, 1 }, O.Cast(asBool, DType.UInt8).ToByteArray());
        Assert.Equal([-1, 0, 2, 300], O.Cast(x, DType.Int32).ToInt32Array());
        Assert.Equal([true, false, true, true], O.Cast(O.Cast(x, DType.Int32), DType.Bool).ToBoolArray());
        Assert.Equal([false, true], O.Cast(Tensor.FromArray(new byte[] { 0, 7 }, 2), DType.Bool).ToBoolArray());
        // A float32 cast of a bool tensor takes part in autodiff as any cast does: no gradient flows to the bool side.
        var f = Tensor.FromArray(new float[] { -0.7f, 0.3f, 0.9f, -0.2f }, 4);
        GradCheck.Check(t => O.Multiply(t[0], O.Cast(O.Greater(t[0], Tensor.Scalar(0)), DType.Float32)), [f]);
    }
}
