using SharpKeras.Backend.Cpu;

namespace SharpKeras;

/// <summary>
/// Differentiable tensor operations (Keras's <c>keras.ops</c>). Each op computes its result with
/// the CPU kernels and, when a <see cref="GradientTape"/> watches one of its inputs, records how to
/// send the gradient back. This is the only place derivatives are defined.
/// </summary>
public static partial class Ops
{
    private static Tensor F(Tensor t) => t.IsFloat ? t : t.Cast(DType.Float32);

    /// <summary>Element-wise a + b with NumPy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = CpuOps.Binary<AddOp>(a, b);
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(z, [a, b], (g, need) => [
                need[0] ? CpuOps.SumToShape(g, a.Shape) : null,
                need[1] ? CpuOps.SumToShape(g, b.Shape) : null]);
        }
        return z;
    }

    /// <summary>Element-wise a - b with NumPy broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = CpuOps.Binary<SubOp>(a, b);
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(z, [a, b], (g, need) => [
                need[0] ? CpuOps.SumToShape(g, a.Shape) : null,
                need[1] ? CpuOps.SumToShape(CpuOps.Unary<NegOp>(g), b.Shape) : null]);
        }
        return z;
    }

    /// <summary>Element-wise a * b with NumPy broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = CpuOps.Binary<MulOp>(a, b);
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(z, [a, b], (g, need) => [
                need[0] ? CpuOps.SumToShape(CpuOps.Binary<MulOp>(g, b), a.Shape) : null,
                need[1] ? CpuOps.SumToShape(CpuOps.Binary<MulOp>(g, a), b.Shape) : null]);
        }
        return z;
    }

    /// <summary>Element-wise a / b with NumPy broadcasting (true division, float32 result).</summary>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = CpuOps.Binary<DivOp>(a, b);
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(z, [a, b], (g, need) =>
            {
                var gb = need[1]
                    ? CpuOps.SumToShape(CpuOps.Unary<NegOp>(CpuOps.Binary<DivOp>(CpuOps.Binary<MulOp>(g, z), b)), b.Shape)
                    : null;
                return [need[0] ? CpuOps.SumToShape(CpuOps.Binary<DivOp>(g, b), a.Shape) : null, gb];
            });
        }
        return z;
    }

    /// <summary>Element-wise -x.</summary>
    public static Tensor Negative(Tensor x)
    {
        x = F(x);
        var y = CpuOps.Unary<NegOp>(x);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.Unary<NegOp>(g)]);
        }
        return y;
    }

    /// <summary>Matrix product a @ b: a is (..., K), b is (K, N); the result is (..., N).</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = CpuOps.MatMul(a, b);
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(z, [a, b], (g, need) =>
            {
                Tensor? ga = null, gb = null;
                if (need[0])
                {
                    // dA = dZ B^T, read B transposed by the GEMM's packing.
                    ga = CpuOps.MatMul(g, b, transB: true).Reshape2(a.Shape);
                }
                if (need[1])
                {
                    // dB = A^T dZ over all leading axes of A.
                    int k = a.Shape[-1];
                    gb = CpuOps.MatMul(a.View(new Shape(a.Length / Math.Max(1, k), k)), g.View(new Shape(g.Length / b.Shape[1], b.Shape[1])), transA: true);
                }
                return [ga, gb];
            });
        }
        return z;
    }

    private static Tensor Reshape2(this Tensor t, Shape s) => t.Shape == s ? t : t.View(s);

    private static Tensor UnaryWithOutputGrad<TOp, TGrad>(Tensor x) where TOp : IUnaryOp where TGrad : IBinaryOp
    {
        x = F(x);
        var y = CpuOps.Unary<TOp>(x);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.Binary<TGrad>(y, g)]);
        }
        return y;
    }

    /// <summary>Rectified linear unit max(x, 0).</summary>
    public static Tensor Relu(Tensor x)
    {
        x = F(x);
        var y = CpuOps.Unary<ReluOp>(x);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.Binary<ReluGradOp>(x, g)]);
        }
        return y;
    }

    /// <summary>Logistic sigmoid 1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor x) => UnaryWithOutputGrad<SigmoidOp, SigmoidGradOp>(x);

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) => UnaryWithOutputGrad<TanhOp, TanhGradOp>(x);

    /// <summary>Element-wise e^x.</summary>
    public static Tensor Exp(Tensor x) => UnaryWithOutputGrad<ExpOp, MulOp>(x);

    /// <summary>Element-wise natural logarithm.</summary>
    public static Tensor Log(Tensor x)
    {
        x = F(x);
        var y = CpuOps.Unary<LogOp>(x);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.Binary<DivOp>(g, x)]);
        }
        return y;
    }

    /// <summary>Element-wise x^2.</summary>
    public static Tensor Square(Tensor x)
    {
        x = F(x);
        var y = CpuOps.Unary<SquareOp>(x);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.Binary<MulOp>(CpuOps.Binary<MulOp>(g, x), Tensor.Scalar(2f))]);
        }
        return y;
    }

    /// <summary>Element-wise square root.</summary>
    public static Tensor Sqrt(Tensor x)
    {
        x = F(x);
        var y = CpuOps.Unary<SqrtOp>(x);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.Binary<DivOp>(CpuOps.Binary<MulOp>(g, Tensor.Scalar(0.5f)), y)]);
        }
        return y;
    }

    /// <summary>Clips values to [min, max]; the gradient passes where min &lt;= x &lt;= max (as torch.clamp).</summary>
    public static Tensor Clip(Tensor x, float min, float max)
    {
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        var xs = x.Span;
        var ys = y.Span;
        for (int i = 0; i < xs.Length; i++)
        {
            ys[i] = Math.Clamp(xs[i], min, max);
        }
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) =>
            {
                var r = Tensor.Zeros(x.Shape);
                var gs = g.Span;
                var rs = r.Span;
                var xv = x.Span;
                for (int i = 0; i < rs.Length; i++)
                {
                    rs[i] = xv[i] >= min && xv[i] <= max ? gs[i] : 0f;
                }
                return [r];
            });
        }
        return y;
    }

    /// <summary>Softmax along <paramref name="axis"/> (default: last).</summary>
    public static Tensor Softmax(Tensor x, int axis = -1)
    {
        x = F(x);
        int ax = x.Shape.NormalizeAxis(axis);
        var y = CpuOps.Softmax(x, ax, log: false);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.SoftmaxGrad(y, g, ax)]);
        }
        return y;
    }

    /// <summary>log(softmax(x)) along <paramref name="axis"/>, computed stably.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1)
    {
        x = F(x);
        int ax = x.Shape.NormalizeAxis(axis);
        var y = CpuOps.Softmax(x, ax, log: true);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [CpuOps.LogSoftmaxGrad(y, g, ax)]);
        }
        return y;
    }

    /// <summary>Sum over <paramref name="axis"/> (all elements when null), keeping it as size 1 when <paramref name="keepDims"/>.</summary>
    public static Tensor Sum(Tensor x, int? axis = null, bool keepDims = false)
    {
        x = F(x);
        Tensor y;
        if (axis is null)
        {
            y = Tensor.Scalar(Elementwise.SumAll(x.Span));
            if (keepDims)
            {
                y = y.View(new Shape(Enumerable.Repeat(1, x.Rank).ToArray()));
            }
            if (GradientTape.IsRecording(x))
            {
                GradientTape.Record(y, [x], (g, _) => [Tensor.Full(x.Shape, g.Span[0])]);
            }
            return y;
        }
        int ax = x.Shape.NormalizeAxis(axis.Value);
        y = CpuOps.SumAxis(x, ax);
        if (keepDims)
        {
            y = y.View(x.Shape.WithDim(ax, 1));
        }
        if (GradientTape.IsRecording(x))
        {
            var reduced = new Shape([.. x.Shape.Dims[..ax], .. x.Shape.Dims[(ax + 1)..]]);
            GradientTape.Record(y, [x], (g, _) => [CpuOps.BroadcastAlongAxis(g.View(reduced), x.Shape, ax)]);
        }
        return y;
    }

    /// <summary>Mean over <paramref name="axis"/> (all elements when null).</summary>
    public static Tensor Mean(Tensor x, int? axis = null, bool keepDims = false)
    {
        x = F(x);
        int count = axis is null ? x.Length : x.Shape[axis.Value];
        // Divide rather than multiply by the reciprocal: Keras's sum_over_batch_size rounds this way.
        return Divide(Sum(x, axis, keepDims), Tensor.Scalar(Math.Max(1, count)));
    }

    /// <summary>Reshapes without copying; one dimension may be -1 and is inferred.</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var target = InferShape(x, shape);
        var y = x.View(target);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], (g, _) => [g.View(x.Shape)]);
        }
        return y;
    }

    private static Shape InferShape(Tensor x, int[] shape)
    {
        int unknown = Array.IndexOf(shape, -1);
        if (unknown < 0)
        {
            var s = new Shape(shape);
            if (s.Size != x.Length)
            {
                throw new ArgumentException($"Cannot reshape a tensor of shape {x.Shape} ({x.Length} elements) into {s} ({s.Size} elements).");
            }
            return s;
        }
        if (Array.LastIndexOf(shape, -1) != unknown)
        {
            throw new ArgumentException($"Only one dimension may be -1 in a reshape, got ({string.Join(", ", shape)}).");
        }
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i != unknown)
            {
                known *= shape[i];
            }
        }
        if (known == 0 || x.Length % known != 0)
        {
            throw new ArgumentException($"Cannot reshape a tensor of shape {x.Shape} ({x.Length} elements) into ({string.Join(", ", shape)}).");
        }
        var dims = (int[])shape.Clone();
        dims[unknown] = (int)(x.Length / known);
        return new Shape(dims);
    }

    /// <summary>The same values, through which no gradient flows.</summary>
    public static Tensor StopGradient(Tensor x) => x.View(x.Shape);

    /// <summary>One-hot encoding of integer labels: (N,) -> (N, numClasses); labels must be in [0, numClasses).</summary>
    public static Tensor OneHot(Tensor labels, int numClasses)
    {
        var r = Tensor.Zeros(new Shape([.. labels.Shape.ToArray(), numClasses]));
        var rs = r.Span;
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels.GetInt(i);
            if ((uint)c >= (uint)numClasses)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"Label {c} at index {i} is outside [0, {numClasses}).");
            }
            rs[i * numClasses + c] = 1f;
        }
        return r;
    }

    /// <summary>Index of the largest value along the last axis (first one on ties), as int32.</summary>
    public static Tensor Argmax(Tensor x)
    {
        x = F(x);
        int n = x.Shape[-1];
        int rows = x.Length / Math.Max(1, n);
        var r = new int[rows];
        var xs = x.Span;
        for (int i = 0; i < rows; i++)
        {
            var row = xs.Slice(i * n, n);
            int best = 0;
            for (int j = 1; j < n; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }
            }
            r[i] = best;
        }
        return Tensor.WrapInts(r, new Shape(x.Shape.Dims[..^1].ToArray()));
    }
}
