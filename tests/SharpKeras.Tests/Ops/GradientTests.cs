using SharpKeras;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Operations;

public class GradientTests
{
    [Fact]
    public void Add_SameShape() => Check(t => SharpKeras.Ops.Add(t[0], t[1]), [Random(1, -1, 1, 3, 4), Random(2, -1, 1, 3, 4)]);

    [Fact]
    public void Add_BroadcastsRowVector() => Check(t => SharpKeras.Ops.Add(t[0], t[1]), [Random(1, -1, 1, 5, 3), Random(2, -1, 1, 3)]);

    [Fact]
    public void Add_BroadcastsColumnAndScalar() => Check(t => SharpKeras.Ops.Add(SharpKeras.Ops.Add(t[0], t[1]), t[2]),
        [Random(1, -1, 1, 4, 3), Random(2, -1, 1, 4, 1), Random(3, -1, 1, 1)]);

    [Fact]
    public void Subtract_Broadcast() => Check(t => SharpKeras.Ops.Subtract(t[0], t[1]), [Random(1, -1, 1, 2, 3, 4), Random(2, -1, 1, 3, 1)]);

    [Fact]
    public void Multiply_Broadcast() => Check(t => SharpKeras.Ops.Multiply(t[0], t[1]), [Random(1, -1, 1, 4, 3), Random(2, -1, 1, 1, 3)]);

    [Fact]
    public void Divide_Broadcast() => Check(t => SharpKeras.Ops.Divide(t[0], t[1]), [Random(1, -1, 1, 4, 3), Random(2, 0.5f, 2, 4, 1)], eps: 1e-3f);

    [Fact]
    public void Negative() => Check(t => SharpKeras.Ops.Negative(t[0]), [Random(1, -1, 1, 3, 3)]);

    [Fact]
    public void MatMul_2D() => Check(t => SharpKeras.Ops.MatMul(t[0], t[1]), [Random(1, -1, 1, 7, 5), Random(2, -1, 1, 5, 19)]);

    [Fact]
    public void MatMul_3DLeftOperand() => Check(t => SharpKeras.Ops.MatMul(t[0], t[1]), [Random(1, -1, 1, 2, 3, 4), Random(2, -1, 1, 4, 5)]);

    [Fact]
    public void Relu() => Check(t => SharpKeras.Ops.Relu(t[0]), [AwayFromZero(Random(1, -1, 1, 4, 5))]);

    [Fact]
    public void Sigmoid() => Check(t => SharpKeras.Ops.Sigmoid(t[0]), [Random(1, -3, 3, 4, 5)], eps: 1e-3f);

    [Fact]
    public void Tanh() => Check(t => SharpKeras.Ops.Tanh(t[0]), [Random(1, -2, 2, 4, 5)], eps: 1e-3f);

    [Fact]
    public void Exp() => Check(t => SharpKeras.Ops.Exp(t[0]), [Random(1, -2, 2, 3, 5)], eps: 1e-3f);

    [Fact]
    public void Log() => Check(t => SharpKeras.Ops.Log(t[0]), [Random(1, 0.5f, 3, 3, 5)], eps: 1e-3f);

    [Fact]
    public void Sqrt() => Check(t => SharpKeras.Ops.Sqrt(t[0]), [Random(1, 0.5f, 3, 3, 5)], eps: 1e-3f);

    [Fact]
    public void Square() => Check(t => SharpKeras.Ops.Square(t[0]), [Random(1, -2, 2, 3, 5)]);

    [Fact]
    public void Clip() => Check(t => SharpKeras.Ops.Clip(t[0], -0.5f, 0.5f), [AwayFrom(Random(1, -1, 1, 4, 6), -0.5f, 0.5f)], eps: 1e-3f);

    [Fact]
    public void Softmax_LastAxis() => Check(t => SharpKeras.Ops.Softmax(t[0]), [Random(1, -2, 2, 4, 6)], eps: 1e-3f);

    [Fact]
    public void Softmax_FirstAxis() => Check(t => SharpKeras.Ops.Softmax(t[0], 0), [Random(1, -2, 2, 4, 3)], eps: 1e-3f);

    [Fact]
    public void LogSoftmax() => Check(t => SharpKeras.Ops.LogSoftmax(t[0]), [Random(1, -2, 2, 4, 6)], eps: 1e-3f);

    [Fact]
    public void Sum_All() => Check(t => SharpKeras.Ops.Sum(t[0]), [Random(1, -1, 1, 3, 4)]);

    [Fact]
    public void Sum_Axis_KeepDims() => Check(t => SharpKeras.Ops.Sum(t[0], 1, keepDims: true), [Random(1, -1, 1, 2, 3, 4)]);

    [Fact]
    public void Sum_LastAxis() => Check(t => SharpKeras.Ops.Sum(t[0], -1), [Random(1, -1, 1, 3, 4)]);

    [Fact]
    public void Mean_Axis() => Check(t => SharpKeras.Ops.Mean(t[0], 0), [Random(1, -1, 1, 3, 4)]);

    [Fact]
    public void Mean_All() => Check(t => SharpKeras.Ops.Mean(t[0]), [Random(1, -1, 1, 3, 4)]);

    [Fact]
    public void Reshape() => Check(t => SharpKeras.Ops.Multiply(SharpKeras.Ops.Reshape(t[0], 4, -1), t[1]), [Random(1, -1, 1, 2, 6), Random(2, -1, 1, 4, 3)]);

    [Fact]
    public void TensorOperators() => Check(t => (t[0] * 2.0 - t[1]) / 3.0 + 1.0, [Random(1, -1, 1, 3, 4), Random(2, -1, 1, 3, 4)]);

    [Fact]
    public void GradientAccumulatesOverReuse() => Check(t => SharpKeras.Ops.Multiply(t[0], t[0]), [Random(1, -1, 1, 3, 4)]);

    [Fact]
    public void UnrelatedSourceGetsNull()
    {
        var a = Random(1, -1, 1, 2, 2);
        var b = Random(2, -1, 1, 2, 2);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        var loss = SharpKeras.Ops.Sum(SharpKeras.Ops.Square(a));
        var grads = tape.Gradient(loss, [a, b]);
        Assert.NotNull(grads[0]);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void NothingIsRecordedWithoutATape()
    {
        var a = Random(1, -1, 1, 2, 2);
        var y = SharpKeras.Ops.Relu(a);
        using var tape = new GradientTape();
        var grads = tape.Gradient(SharpKeras.Ops.Sum(y), [a]);
        Assert.Null(grads[0]);
    }

    private static Tensor AwayFromZero(Tensor t) => AwayFrom(t, 0f, 0f);

    private static Tensor AwayFrom(Tensor t, params float[] points)
    {
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            foreach (var p in points)
            {
                if (Math.Abs(s[i] - p) < 0.05f)
                {
                    s[i] = p + 0.1f;
                }
            }
        }
        return t;
    }
}
