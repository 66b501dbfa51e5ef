using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>
/// Differentiable tensor operations (Keras's <c>keras.ops</c>). Each op computes its result with
/// the CPU kernels and, when a <see cref="GradientTape"/> watches one of its inputs, records how to
/// compute it again in place and how to send the gradient back. This is the only place
/// derivatives are defined.
/// </summary>
/// <remarks>
/// How an op is written (so that a recorded training step replays without allocating): allocate
/// the output and any scratch buffers first; compute the output through a forward action; when
/// recording, pass that same action and a backward that overwrites each needed input gradient.
/// Side effects that must happen on every step (drawing a dropout mask, updating moving
/// statistics) belong inside the forward action.
/// </remarks>
public static partial class Ops
{
    /// <summary>The float32 form of <paramref name="t"/>; integer tensors are converted by a recorded cast.</summary>
    private static Tensor F(Tensor t) => t.IsFloat ? t : Cast(t, DType.Float32);

    /// <summary>Converts to <paramref name="dtype"/> (Keras's ops.cast); only float32 results take part in autodiff.</summary>
    public static Tensor Cast(Tensor x, DType dtype)
    {
        if (x.DType == dtype)
        {
            return x;
        }
        // A recorded op even towards integers (which have no gradient): a replayed step must convert each batch afresh.
        var y = Tensor.NewLike(x.Shape, dtype);
        void Forward() => x.CastInto(y);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, null, OpKind.Cast);
        }
        return y;
    }

    private static Shape BroadcastShape(Tensor a, Tensor b) => a.Shape == b.Shape ? a.Shape : Shape.Broadcast(a.Shape, b.Shape);

    /// <summary>Scratch of the broadcast output's shape, needed when an input's gradient must be summed back to a smaller shape.</summary>
    private static Tensor? ScratchFor(Tensor input, Tensor output) => input.Shape == output.Shape ? null : Tensor.Zeros(output.Shape);

    /// <summary>The kernels every op runs on (see <see cref="Kernels"/>); read on each call so that <see cref="SharpKeras.Config.Backend"/> takes effect.</summary>
    private static IBackend K => Kernels.Current;

    /// <summary>r = a f b with NumPy broadcasting (r shaped as the broadcast result).</summary>
    private static void BinaryInto(BinaryFunction f, Tensor a, Tensor b, Tensor r) =>
        K.Binary(f, a.Span, a.Shape, b.Span, b.Shape, r.Span, r.Shape);

    /// <summary>The gradient g of a broadcast result, summed back to <paramref name="r"/>'s shape.</summary>
    private static void SumToShapeInto(Tensor g, Tensor r) => K.SumToShape(g.Span, g.Shape, r.Span, r.Shape);

    /// <summary>dst = sum-to-shape(g f other), going through <paramref name="scratch"/> when dst is smaller than g.</summary>
    private static void ReduceInto(BinaryFunction f, Tensor g, Tensor other, Tensor? scratch, Tensor dst)
    {
        if (scratch is null)
        {
            BinaryInto(f, g, other, dst);
            return;
        }
        BinaryInto(f, g, other, scratch);
        SumToShapeInto(scratch, dst);
    }

    /// <summary>(M, K, N) of op(a) x op(b), or an error naming both shapes.</summary>
    internal static (int M, int K, int N) MatMulDims(Shape a, Shape b, bool transA, bool transB)
    {
        if (a.Rank < 1 || b.Rank != 2 || (transA && a.Rank != 2))
        {
            throw new ArgumentException($"matmul needs a (..., K) or (M, K) left operand and a (K, N) right operand, got {a} and {b}.");
        }
        int k = transA ? a[0] : a[-1];
        int m = transA ? a[1] : a.Size / Math.Max(1, a[-1]);
        if (a[-1] == 0)
        {
            m = 1;
            for (int i = 0; i < a.Rank - 1; i++)
            {
                m *= a[i];
            }
        }
        int kb = transB ? b[1] : b[0];
        int n = transB ? b[0] : b[1];
        if (k != kb)
        {
            throw new ArgumentException($"matmul: inner dimensions differ: {a}{(transA ? "^T" : "")} x {b}{(transB ? "^T" : "")} ({k} versus {kb}).");
        }
        return (m, k, n);
    }

    /// <summary>Splits a shape around an axis into (outer, axis length, inner) for strided reductions.</summary>
    private static (int Outer, int Len, int Inner) AxisSplit(Shape s, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= s[i];
        }
        for (int i = axis + 1; i < s.Rank; i++)
        {
            inner *= s[i];
        }
        return (outer, s[axis], inner);
    }

    /// <summary>Element-wise a + b with NumPy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = Tensor.Zeros(BroadcastShape(a, b));
        void Forward() => BinaryInto(BinaryFunction.Add, a, b, z);
        Forward();
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(z, [a, b], Forward, (g, dx) =>
            {
                if (dx.Needs(0))
                {
                    SumToShapeInto(g, dx[0]);
                }
                if (dx.Needs(1))
                {
                    SumToShapeInto(g, dx[1]);
                }
            }, OpKind.Add);
        }
        return z;
    }

    /// <summary>Element-wise a - b with NumPy broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = Tensor.Zeros(BroadcastShape(a, b));
        void Forward() => BinaryInto(BinaryFunction.Subtract, a, b, z);
        Forward();
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(z, [a, b], Forward, (g, dx) =>
            {
                if (dx.Needs(0))
                {
                    SumToShapeInto(g, dx[0]);
                }
                if (dx.Needs(1))
                {
                    SumToShapeInto(g, dx[1]);
                    K.Unary(UnaryFunction.Negative, dx[1].Span, dx[1].Span);
                }
            }, OpKind.Subtract);
        }
        return z;
    }

    /// <summary>Element-wise a * b with NumPy broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = Tensor.Zeros(BroadcastShape(a, b));
        void Forward() => BinaryInto(BinaryFunction.Multiply, a, b, z);
        Forward();
        if (GradientTape.IsRecording(a, b))
        {
            var sa = ScratchFor(a, z);
            var sb = ScratchFor(b, z);
            GradientTape.Record(z, [a, b], Forward, (g, dx) =>
            {
                if (dx.Needs(0))
                {
                    ReduceInto(BinaryFunction.Multiply, g, b, sa, dx[0]);
                }
                if (dx.Needs(1))
                {
                    ReduceInto(BinaryFunction.Multiply, g, a, sb, dx[1]);
                }
            }, OpKind.Multiply);
        }
        return z;
    }

    /// <summary>Element-wise a / b with NumPy broadcasting (true division, float32 result).</summary>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        var z = Tensor.Zeros(BroadcastShape(a, b));
        void Forward() => BinaryInto(BinaryFunction.Divide, a, b, z);
        Forward();
        if (GradientTape.IsRecording(a, b))
        {
            var sa = ScratchFor(a, z);
            // d/db (a / b) = -g z / b, formed in a buffer of the output's shape before summing back.
            var gz = GradientTape.IsRecording(b) ? Tensor.Zeros(z.Shape) : null;
            var sb = ScratchFor(b, z);
            GradientTape.Record(z, [a, b], Forward, (g, dx) =>
            {
                if (dx.Needs(0))
                {
                    ReduceInto(BinaryFunction.Divide, g, b, sa, dx[0]);
                }
                if (dx.Needs(1))
                {
                    BinaryInto(BinaryFunction.Multiply, g, z, gz!);
                    K.Unary(UnaryFunction.Negative, gz!.Span, gz.Span);
                    ReduceInto(BinaryFunction.Divide, gz, b, sb, dx[1]);
                }
            }, OpKind.Divide);
        }
        return z;
    }

    /// <summary>Element-wise -x.</summary>
    public static Tensor Negative(Tensor x)
    {
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        void Forward() => K.Unary(UnaryFunction.Negative, x.Span, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Unary(UnaryFunction.Negative, g.Span, dx[0].Span), OpKind.Negative);
        }
        return y;
    }

    /// <summary>Matrix product a @ b with NumPy's matmul semantics (Keras's <c>ops.matmul</c>): (..., M, K) @ (..., K, N) with broadcast batch axes, 1-D operands as vectors; a (K, N) right operand runs as one GEMM over all leading axes.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        if (b.Rank != 2)
        {
            return BatchedMatMul(a, b);
        }
        var (m, k, n) = MatMulDims(a.Shape, b.Shape, false, false);
        var z = Tensor.Zeros(a.Rank == 2 ? new Shape(m, n) : a.Shape.WithDim(-1, n));
        void Forward() => K.MatMul(a.Span, b.Span, z.Span, m, n, k, false, false, false);
        Forward();
        if (GradientTape.IsRecording(a, b))
        {
            // 2-D views of A and dZ for dB = A^T dZ over all leading axes of A; made once here.
            var a2 = a.Rank == 2 ? a : a.View(new Shape(m, k));
            GradientTape.Record(z, [a, b], () =>
            {
                if (!ReferenceEquals(a2, a))
                {
                    a2.Rebind(a);
                }
                Forward();
            }, (g, dx) =>
            {
                if (dx.Needs(0))
                {
                    // dA = dZ B^T, read B transposed by the GEMM's packing.
                    K.MatMul(g.Span, b.Span, dx[0].Span, m, k, n, transA: false, transB: true, accumulate: false);
                }
                if (dx.Needs(1))
                {
                    K.MatMul(a2.Span, g.Span, dx[1].Span, k, n, m, transA: true, transB: false, accumulate: false);
                }
            }, OpKind.MatMul);
        }
        return z;
    }

    private static Tensor UnaryWithOutputGrad(Tensor x, UnaryFunction f, BinaryFunction grad, OpKind kind)
    {
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        void Forward() => K.Unary(f, x.Span, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Binary(grad, y.Span, g.Span, dx[0].Span), kind);
        }
        return y;
    }

    private static Tensor UnaryWithInputGrad(Tensor x, UnaryFunction f, BinaryFunction grad, OpKind kind)
    {
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        void Forward() => K.Unary(f, x.Span, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Binary(grad, x.Span, g.Span, dx[0].Span), kind);
        }
        return y;
    }

    /// <summary>Rectified linear unit max(x, 0).</summary>
    public static Tensor Relu(Tensor x) => UnaryWithInputGrad(x, UnaryFunction.Relu, BinaryFunction.ReluGrad, OpKind.Relu);

    /// <summary>Logistic sigmoid 1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor x) => UnaryWithOutputGrad(x, UnaryFunction.Sigmoid, BinaryFunction.SigmoidGrad, OpKind.Sigmoid);

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) => UnaryWithOutputGrad(x, UnaryFunction.Tanh, BinaryFunction.TanhGrad, OpKind.Tanh);

    /// <summary>Element-wise e^x.</summary>
    public static Tensor Exp(Tensor x) => UnaryWithOutputGrad(x, UnaryFunction.Exp, BinaryFunction.Multiply, OpKind.Exp);

    /// <summary>Element-wise natural logarithm.</summary>
    public static Tensor Log(Tensor x) => UnaryWithInputGrad(x, UnaryFunction.Log, BinaryFunction.ReverseDivide, OpKind.Log);

    /// <summary>Element-wise x^2.</summary>
    public static Tensor Square(Tensor x) => UnaryWithInputGrad(x, UnaryFunction.Square, BinaryFunction.SquareGrad, OpKind.Square);

    /// <summary>Element-wise square root.</summary>
    public static Tensor Sqrt(Tensor x) => UnaryWithOutputGrad(x, UnaryFunction.Sqrt, BinaryFunction.SqrtGrad, OpKind.Sqrt);

    /// <summary>Clips values to [min, max]; the gradient passes where min &lt;= x &lt;= max (as torch.clamp).</summary>
    public static Tensor Clip(Tensor x, float min, float max)
    {
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        void Forward()
        {
            var xs = x.Span;
            var ys = y.Span;
            for (int i = 0; i < xs.Length; i++)
            {
                ys[i] = Math.Clamp(xs[i], min, max);
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                var gs = g.Span;
                var rs = dx[0].Span;
                var xv = x.Span;
                for (int i = 0; i < rs.Length; i++)
                {
                    rs[i] = xv[i] >= min && xv[i] <= max ? gs[i] : 0f;
                }
            }, OpKind.Clip);
        }
        return y;
    }

    /// <summary>Softmax along <paramref name="axis"/> (default: last).</summary>
    public static Tensor Softmax(Tensor x, int axis = -1)
    {
        x = F(x);
        int ax = x.Shape.NormalizeAxis(axis);
        var y = Tensor.Zeros(x.Shape);
        var (outer, len, inner) = AxisSplit(x.Shape, ax);
        void Forward() => K.Softmax(x.Span, outer, len, inner, log: false, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.SoftmaxGrad(y.Span, g.Span, outer, len, inner, dx[0].Span), ax == x.Rank - 1 ? OpKind.SoftmaxLastAxis : OpKind.Softmax);
        }
        return y;
    }

    /// <summary>log(softmax(x)) along <paramref name="axis"/>, computed stably.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1)
    {
        x = F(x);
        int ax = x.Shape.NormalizeAxis(axis);
        var y = Tensor.Zeros(x.Shape);
        var (outer, len, inner) = AxisSplit(x.Shape, ax);
        void Forward() => K.Softmax(x.Span, outer, len, inner, log: true, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.LogSoftmaxGrad(y.Span, g.Span, outer, len, inner, dx[0].Span), OpKind.LogSoftmax);
        }
        return y;
    }

    /// <summary>Sum over <paramref name="axis"/> (all elements when null), keeping it as size 1 when <paramref name="keepDims"/>.</summary>
    public static Tensor Sum(Tensor x, int? axis = null, bool keepDims = false)
    {
        x = F(x);
        if (axis is null)
        {
            var total = Tensor.Zeros(keepDims ? new Shape(Enumerable.Repeat(1, x.Rank).ToArray()) : Shape.Scalar);
            void ForwardAll() => total.Span[0] = K.SumAll(x.Span);
            ForwardAll();
            if (GradientTape.IsRecording(x))
            {
                GradientTape.Record(total, [x], ForwardAll, (g, dx) => dx[0].Span.Fill(g.Span[0]), OpKind.Sum);
            }
            return total;
        }
        int ax = x.Shape.NormalizeAxis(axis.Value);
        var y = Tensor.Zeros(keepDims ? x.Shape.WithDim(ax, 1) : new Shape([.. x.Shape.Dims[..ax], .. x.Shape.Dims[(ax + 1)..]]));
        var (outer, len, inner) = AxisSplit(x.Shape, ax);
        void Forward() => K.SumAxis(x.Span, outer, len, inner, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.RepeatAxis(g.Span, outer, len, inner, dx[0].Span), OpKind.Sum);
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
    public static Tensor Reshape(Tensor x, params int[] shape) => ViewOp(x, InferShape(x, shape), OpKind.Reshape);

    /// <summary>A view of <paramref name="x"/> with another shape of the same size, recorded so that it follows x when replayed.</summary>
    internal static Tensor ViewOp(Tensor x, Shape shape, OpKind kind)
    {
        var y = x.View(shape);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], () => y.Rebind(x), (g, dx) => g.Span.CopyTo(dx[0].Span), kind);
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
    public static Tensor StopGradient(Tensor x)
    {
        var y = x.View(x.Shape);
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], () => y.Rebind(x), null, OpKind.StopGradient);
        }
        return y;
    }

    /// <summary>One-hot encoding of integer labels: (N,) -> (N, numClasses); labels must be in [0, numClasses).</summary>
    public static Tensor OneHot(Tensor labels, int numClasses)
    {
        var r = Tensor.Zeros(new Shape([.. labels.Shape.ToArray(), numClasses]));
        void Forward()
        {
            var rs = r.Span;
            rs.Clear();
            for (int i = 0; i < labels.Length; i++)
            {
                int c = labels.GetInt(i);
                if ((uint)c >= (uint)numClasses)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), $"Label {c} at index {i} is outside [0, {numClasses}).");
                }
                rs[i * numClasses + c] = 1f;
            }
        }
        Forward();
        if (GradientTape.IsRecording(labels))
        {
            GradientTape.Record(r, [labels], Forward, null, OpKind.OneHot);
        }
        return r;
    }

    /// <summary>Index of the largest value along the last axis (first one on ties), as int32.</summary>
    public static Tensor Argmax(Tensor x)
    {
        x = F(x);
        int n = x.Shape[-1];
        int rows = x.Length / Math.Max(1, n);
        var r = Tensor.WrapInts(new int[rows], new Shape(x.Shape.Dims[..^1].ToArray()));
        void Forward()
        {
            var xs = x.Span;
            var rs = r.Int32Span;
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
                rs[i] = best;
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(r, [x], Forward, null, OpKind.Argmax);
        }
        return r;
    }
}
