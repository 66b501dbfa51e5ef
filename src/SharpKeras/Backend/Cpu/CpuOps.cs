namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Tensor-level CPU kernels: allocate the result and run the span kernels. They never record
/// gradients; the ops layer wraps them and defines the derivatives.
/// </summary>
internal static class CpuOps
{
    public static Tensor Unary<TOp>(Tensor x) where TOp : IUnaryOp
    {
        var y = Tensor.Zeros(x.Shape);
        Elementwise.Unary<TOp>(x.Span, y.Span);
        return y;
    }

    /// <summary>a op b with NumPy broadcasting, choosing the fastest loop the shapes allow.</summary>
    public static Tensor Binary<TOp>(Tensor a, Tensor b) where TOp : IBinaryOp
    {
        var r = Tensor.Zeros(a.Shape == b.Shape ? a.Shape : Shape.Broadcast(a.Shape, b.Shape));
        BinaryInto<TOp>(a, b, r);
        return r;
    }

    /// <summary>a op b with NumPy broadcasting into <paramref name="r"/> (shaped as the broadcast result).</summary>
    public static void BinaryInto<TOp>(Tensor a, Tensor b, Tensor r) where TOp : IBinaryOp
    {
        var outShape = r.Shape;
        if (a.Shape == b.Shape)
        {
            Elementwise.Binary<TOp>(a.Span, b.Span, r.Span);
        }
        else if (b.Length == 1 && a.Shape == outShape)
        {
            Elementwise.BinaryScalar<TOp>(a.Span, b.Span[0], r.Span, swap: false);
        }
        else if (a.Length == 1 && b.Shape == outShape)
        {
            Elementwise.BinaryScalar<TOp>(b.Span, a.Span[0], r.Span, swap: true);
        }
        else if (a.Shape == outShape && Elementwise.IsTrailing(b.Shape, outShape))
        {
            Elementwise.BinaryRowBroadcast<TOp>(a.Span, b.Span, r.Span, swap: false);
        }
        else if (b.Shape == outShape && Elementwise.IsTrailing(a.Shape, outShape))
        {
            Elementwise.BinaryRowBroadcast<TOp>(b.Span, a.Span, r.Span, swap: true);
        }
        else
        {
            Elementwise.BinaryBroadcast<TOp>(a.Span, a.Shape, b.Span, b.Shape, r.Span, outShape);
        }
    }

    /// <summary>The gradient g of a broadcast result, summed back to <paramref name="r"/>'s shape.</summary>
    public static void SumToShapeInto(Tensor g, Tensor r)
    {
        if (g.Shape == r.Shape)
        {
            g.Span.CopyTo(r.Span);
            return;
        }
        Elementwise.SumToShape(g.Span, g.Shape, r.Span, r.Shape);
    }

    /// <summary>
    /// Matrix product of the last axis of op(a) with op(b); a may have leading batch axes when not transposed.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        var (m, k, n) = MatMulDims(a.Shape, b.Shape, transA, transB);
        Shape outShape;
        if (a.Rank == 2 || transA)
        {
            outShape = new Shape(m, n);
        }
        else
        {
            var d = a.Shape.ToArray();
            d[^1] = n;
            outShape = new Shape(d);
        }
        var c = Tensor.Zeros(outShape);
        Gemm.Multiply(a.Span, b.Span, c.Span, m, n, k, transA, transB, accumulate: false);
        return c;
    }

    /// <summary>op(a) x op(b) into <paramref name="c"/>, whose size must be M x N.</summary>
    public static void MatMulInto(Tensor a, Tensor b, Tensor c, bool transA = false, bool transB = false)
    {
        var (m, k, n) = MatMulDims(a.Shape, b.Shape, transA, transB);
        Gemm.Multiply(a.Span, b.Span, c.Span, m, n, k, transA, transB, accumulate: false);
    }

    /// <summary>(M, K, N) of op(a) x op(b), or an error naming both shapes.</summary>
    public static (int M, int K, int N) MatMulDims(Shape a, Shape b, bool transA, bool transB)
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
    public static (int Outer, int Len, int Inner) AxisSplit(Shape s, int axis)
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

    /// <summary>Sum along one axis (the axis removed).</summary>
    public static Tensor SumAxis(Tensor x, int axis)
    {
        var (outer, len, inner) = AxisSplit(x.Shape, axis);
        var dims = x.Shape.ToArray().ToList();
        dims.RemoveAt(axis);
        var r = Tensor.Zeros(new Shape([.. dims]));
        SumAxisInto(x, axis, r);
        return r;
    }

    /// <summary>Sum along one axis into <paramref name="r"/> (x's shape with the axis removed).</summary>
    public static void SumAxisInto(Tensor x, int axis, Tensor r)
    {
        var (outer, len, inner) = AxisSplit(x.Shape, axis);
        var xs = x.Span;
        var rs = r.Span;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                rs[o] = Elementwise.SumAll(xs.Slice(o * len, len));
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            Elementwise.SumRows(xs.Slice(o * len * inner, len * inner), inner, rs.Slice(o * inner, inner));
        }
    }

    /// <summary>Repeats g (r's shape with <paramref name="axis"/> removed) along that axis into <paramref name="r"/>.</summary>
    public static void BroadcastAlongAxisInto(Tensor g, Tensor r, int axis)
    {
        var (outer, len, inner) = AxisSplit(r.Shape, axis);
        var gs = g.Span;
        var rs = r.Span;
        for (int o = 0; o < outer; o++)
        {
            var src = gs.Slice(o * inner, inner);
            for (int l = 0; l < len; l++)
            {
                src.CopyTo(rs.Slice((o * len + l) * inner, inner));
            }
        }
    }

    /// <summary>Softmax along an axis: exp(x - max) / sum(exp(x - max)).</summary>
    public static void SoftmaxInto(Tensor x, int axis, bool log, Tensor y)
    {
        var (outer, len, inner) = AxisSplit(x.Shape, axis);
        var xs = x.Span;
        var ys = y.Span;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                float max = float.NegativeInfinity;
                for (int l = 0; l < len; l++)
                {
                    max = MathF.Max(max, xs[b + l * inner]);
                }
                float sum = 0f;
                for (int l = 0; l < len; l++)
                {
                    float e = MathF.Exp(xs[b + l * inner] - max);
                    ys[b + l * inner] = e;
                    sum += e;
                }
                if (log)
                {
                    float ls = MathF.Log(sum);
                    for (int l = 0; l < len; l++)
                    {
                        ys[b + l * inner] = xs[b + l * inner] - max - ls;
                    }
                }
                else
                {
                    for (int l = 0; l < len; l++)
                    {
                        ys[b + l * inner] /= sum;
                    }
                }
            }
        }
    }

    /// <summary>Gradient of softmax (given its output y): y * (g - sum(g * y)).</summary>
    public static void SoftmaxGradInto(Tensor y, Tensor g, int axis, Tensor r)
    {
        var (outer, len, inner) = AxisSplit(y.Shape, axis);
        var ys = y.Span;
        var gs = g.Span;
        var rs = r.Span;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                float dot = 0f;
                for (int l = 0; l < len; l++)
                {
                    dot += gs[b + l * inner] * ys[b + l * inner];
                }
                for (int l = 0; l < len; l++)
                {
                    rs[b + l * inner] = ys[b + l * inner] * (gs[b + l * inner] - dot);
                }
            }
        }
    }

    /// <summary>Gradient of log-softmax (given its output y): g - exp(y) * sum(g).</summary>
    public static void LogSoftmaxGradInto(Tensor y, Tensor g, int axis, Tensor r)
    {
        var (outer, len, inner) = AxisSplit(y.Shape, axis);
        var ys = y.Span;
        var gs = g.Span;
        var rs = r.Span;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                float sum = 0f;
                for (int l = 0; l < len; l++)
                {
                    sum += gs[b + l * inner];
                }
                for (int l = 0; l < len; l++)
                {
                    rs[b + l * inner] = gs[b + l * inner] - MathF.Exp(ys[b + l * inner]) * sum;
                }
            }
        }
    }
}
