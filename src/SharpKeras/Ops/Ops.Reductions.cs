using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>
/// keras.ops's reductions over an axis or a tuple of axes, with <c>keepdims</c>: sum, mean, max, min,
/// prod, var, std, any, all, argmax, argmin and norm. Axes next to each other reduce as one; the
/// others reduce one after the other, each a recorded op with its own gradient.
/// </summary>
public static partial class Ops
{
    /// <summary>Sum over the axes in <paramref name="axis"/> (Keras's <c>ops.sum</c> with a tuple).</summary>
    public static Tensor Sum(Tensor x, int[] axis, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(axis);
        return Reduce("Sum", x, axis, keepDims, ReduceSum);
    }

    /// <summary>Mean over the axes in <paramref name="axis"/> (Keras's <c>ops.mean</c> with a tuple).</summary>
    public static Tensor Mean(Tensor x, int[] axis, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(axis);
        int count = ReducedCount("Mean", x.Shape, axis);
        return Divide(Sum(x, axis, keepDims), Tensor.Scalar(Math.Max(1, count)));
    }

    /// <summary>The largest element over <paramref name="axis"/> (all when null) (Keras's <c>ops.max</c>); ties share the gradient equally.</summary>
    public static Tensor Max(Tensor x, int? axis = null, bool keepDims = false) => Max(x, AxesOf(x, axis), keepDims);

    /// <summary>The largest element over the axes in <paramref name="axis"/> (Keras's <c>ops.max</c> with a tuple).</summary>
    public static Tensor Max(Tensor x, int[] axis, bool keepDims = false) =>
        KeepIntegerDType(x, Reduce("Max", x, axis, keepDims, (t, o, l, i, op) => ReduceExtremum(t, o, l, i, ReductionKind.Max, op)));

    /// <summary>The smallest element over <paramref name="axis"/> (all when null) (Keras's <c>ops.min</c>); ties share the gradient equally.</summary>
    public static Tensor Min(Tensor x, int? axis = null, bool keepDims = false) => Min(x, AxesOf(x, axis), keepDims);

    /// <summary>The smallest element over the axes in <paramref name="axis"/> (Keras's <c>ops.min</c> with a tuple).</summary>
    public static Tensor Min(Tensor x, int[] axis, bool keepDims = false) =>
        KeepIntegerDType(x, Reduce("Min", x, axis, keepDims, (t, o, l, i, op) => ReduceExtremum(t, o, l, i, ReductionKind.Min, op)));

    /// <summary>The product over <paramref name="axis"/> (all when null) (Keras's <c>ops.prod</c>).</summary>
    public static Tensor Prod(Tensor x, int? axis = null, bool keepDims = false) => Prod(x, AxesOf(x, axis), keepDims);

    /// <summary>The product over the axes in <paramref name="axis"/> (Keras's <c>ops.prod</c> with a tuple).</summary>
    public static Tensor Prod(Tensor x, int[] axis, bool keepDims = false) =>
        KeepIntegerDType(x, Reduce("Prod", x, axis, keepDims, ReduceProd));

    /// <summary>The (population) variance over <paramref name="axis"/> (all when null) (Keras's <c>ops.var</c>).</summary>
    public static Tensor Var(Tensor x, int? axis = null, bool keepDims = false) => Var(x, AxesOf(x, axis), keepDims);

    /// <summary>The (population) variance over the axes in <paramref name="axis"/> (Keras's <c>ops.var</c> with a tuple).</summary>
    public static Tensor Var(Tensor x, int[] axis, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = F(x);
        var centered = Subtract(x, Mean(x, axis, keepDims: true));
        return Mean(Multiply(centered, centered), axis, keepDims);
    }

    /// <summary>The (population) standard deviation over <paramref name="axis"/> (all when null) (Keras's <c>ops.std</c>).</summary>
    public static Tensor Std(Tensor x, int? axis = null, bool keepDims = false) => Sqrt(Var(x, axis, keepDims));

    /// <summary>The (population) standard deviation over the axes in <paramref name="axis"/> (Keras's <c>ops.std</c> with a tuple).</summary>
    public static Tensor Std(Tensor x, int[] axis, bool keepDims = false) => Sqrt(Var(x, axis, keepDims));

    /// <summary>Whether any element over <paramref name="axis"/> (all when null) is non-zero, as bool (Keras's <c>ops.any</c>).</summary>
    public static Tensor Any(Tensor x, int? axis = null, bool keepDims = false) => Any(x, AxesOf(x, axis), keepDims);

    /// <summary>Whether any element over the axes in <paramref name="axis"/> is non-zero, as bool (Keras's <c>ops.any</c> with a tuple).</summary>
    public static Tensor Any(Tensor x, int[] axis, bool keepDims = false) => AnyAll("Any", x, axis, keepDims, any: true);

    /// <summary>Whether every element over <paramref name="axis"/> (all when null) is non-zero, as bool (Keras's <c>ops.all</c>).</summary>
    public static Tensor All(Tensor x, int? axis = null, bool keepDims = false) => All(x, AxesOf(x, axis), keepDims);

    /// <summary>Whether every element over the axes in <paramref name="axis"/> is non-zero, as bool (Keras's <c>ops.all</c> with a tuple).</summary>
    public static Tensor All(Tensor x, int[] axis, bool keepDims = false) => AnyAll("All", x, axis, keepDims, any: false);

    /// <summary>Index of the largest value along <paramref name="axis"/> (of the flattened tensor when null), first on ties, as int32 (Keras's <c>ops.argmax</c>).</summary>
    public static Tensor Argmax(Tensor x, int? axis, bool keepDims = false) => ArgReduce("Argmax", x, axis, keepDims, max: true);

    /// <summary>Index of the smallest value along <paramref name="axis"/> (of the flattened tensor when null), first on ties, as int32 (Keras's <c>ops.argmin</c>).</summary>
    public static Tensor Argmin(Tensor x, int? axis = null, bool keepDims = false) => ArgReduce("Argmin", x, axis, keepDims, max: false);

    /// <summary>
    /// A vector or matrix norm (Keras's <c>ops.norm</c>). Vectors (one axis): ord null or 2, 1, any p,
    /// +/-infinity, 0 (non-zero count). Matrices (two axes): null (Frobenius), 1, -1, +/-infinity, 2 and -2 (largest and smallest singular value). With no axis
    /// and no ord, the 2-norm of all elements; with an ord, x must be 1-D or 2-D.
    /// </summary>
    public static Tensor Norm(Tensor x, float? ord = null, int[]? axis = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = F(x);
        if (axis is null && ord is null)
        {
            return Sqrt(Sum(Multiply(x, x), Enumerable.Range(0, x.Rank).ToArray(), keepDims));
        }
        var axes = NormAxes(x, axis, ord?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None");
        if (axes.Length == 1)
        {
            float p = ord ?? 2f;
            return p switch
            {
                2f => Sqrt(Sum(Multiply(x, x), axes, keepDims)),
                1f => Sum(Abs(x), axes, keepDims),
                float.PositiveInfinity => Max(Abs(x), axes, keepDims),
                float.NegativeInfinity => Min(Abs(x), axes, keepDims),
                0f => Sum(Cast(NotEqual(x, Tensor.Scalar(0f)), DType.Float32), axes, keepDims),
                _ when float.IsNaN(p) => throw new ArgumentException("Norm: ord is NaN; expected a number or +/-infinity.", nameof(ord)),
                _ => PowScalar(Sum(PowScalar(Abs(x), p), axes, keepDims), 1f / p),
            };
        }
        if (ord is null)
        {
            return Sqrt(Sum(Multiply(x, x), axes, keepDims));
        }
        int row = axes[0], col = axes[1];
        var norm = ord.Value switch
        {
            // Largest (smallest) column sum of |x| for 1 (-1), row sum for infinity (-infinity), as NumPy.
            1f => Max(Sum(Abs(x), [row], keepDims: true), [col], keepDims: true),
            -1f => Min(Sum(Abs(x), [row], keepDims: true), [col], keepDims: true),
            float.PositiveInfinity => Max(Sum(Abs(x), [col], keepDims: true), [row], keepDims: true),
            float.NegativeInfinity => Min(Sum(Abs(x), [col], keepDims: true), [row], keepDims: true),
            2f => SingularNorm(x, row, col, SingularValueNorm.Largest, keepDims: true),
            -2f => SingularNorm(x, row, col, SingularValueNorm.Smallest, keepDims: true),
            _ => throw new ArgumentException($"Norm: ord {ord.Value} is not a matrix norm; expected null, 1, -1, 2, -2, infinity or -infinity.", nameof(ord)),
        };
        return keepDims ? norm : Squeeze(norm, axes);
    }

    /// <summary>A matrix norm named by a string (Keras's <c>ops.norm</c> with ord "fro", or "nuc": the sum of the singular values).</summary>
    public static Tensor Norm(Tensor x, string ord, int[]? axis = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(ord);
        x = F(x);
        var axes = NormAxes(x, axis, ord);
        if (axes.Length != 2)
        {
            throw new ArgumentException($"Norm: ord '{ord}' is a matrix norm and needs two axes, got {axes.Length}.", nameof(ord));
        }
        return ord switch
        {
            "fro" => Sqrt(Sum(Multiply(x, x), axes, keepDims)),
            "nuc" => SingularNorm(x, axes[0], axes[1], SingularValueNorm.Sum, keepDims),
            _ => throw new ArgumentException($"Norm: ord '{ord}' is not known; expected 'fro' or 'nuc'.", nameof(ord)),
        };
    }

    private static int[] NormAxes(Tensor x, int[]? axis, string ord)
    {
        if (axis is null)
        {
            return x.Rank switch
            {
                1 => [0],
                2 => [0, 1],
                _ => throw new ArgumentException($"Norm: ord {ord} without an axis needs a 1-D or 2-D tensor, got shape {x.Shape}; pass axis.", nameof(axis)),
            };
        }
        if (axis.Length is not (1 or 2))
        {
            throw new ArgumentException($"Norm: axis must name one axis (vector norm) or two (matrix norm), got ({string.Join(", ", axis)}).", nameof(axis));
        }
        AxisFlags("Norm", axis, x.Rank);
        return axis.Select(a => a < 0 ? a + x.Rank : a).ToArray();
    }

    /// <summary>One reduction over (outer, len, inner) with the reduced axis kept as size 1, recorded with its gradient.</summary>
    private delegate Tensor GroupReduction(Tensor x, int outer, int len, int inner, string op);

    private static int[] AxesOf(Tensor x, int? axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        return axis is int a ? [a] : Enumerable.Range(0, x.Rank).ToArray();
    }

    private static int ReducedCount(string op, Shape s, int[] axes)
    {
        var flags = AxisFlags(op, axes, s.Rank);
        int n = 1;
        for (int d = 0; d < s.Rank; d++)
        {
            n *= flags[d] ? s[d] : 1;
        }
        return n;
    }

    /// <summary>Reduces runs of adjacent axes from the last run to the first (so earlier axes keep their numbers), then drops the axes unless kept.</summary>
    private static Tensor Reduce(string op, Tensor x, int[] axes, bool keepDims, GroupReduction group)
    {
        ArgumentNullException.ThrowIfNull(x);
        var flags = AxisFlags(op, axes, x.Rank);
        var y = F(x);
        int d = x.Rank - 1;
        while (d >= 0)
        {
            if (!flags[d])
            {
                d--;
                continue;
            }
            int last = d;
            while (d > 0 && flags[d - 1])
            {
                d--;
            }
            int first = d;
            int outer = 1, len = 1, inner = 1;
            for (int k = 0; k < y.Rank; k++)
            {
                if (k < first)
                {
                    outer *= y.Shape[k];
                }
                else if (k > last)
                {
                    inner *= y.Shape[k];
                }
                else
                {
                    len *= y.Shape[k];
                }
            }
            var reduced = group(y, outer, len, inner, op);
            var kept = y.Shape.ToArray();
            for (int k = first; k <= last; k++)
            {
                kept[k] = 1;
            }
            y = ViewOp(reduced, new Shape(kept), OpKind.Reshape);
            d--;
        }
        if (keepDims)
        {
            return y;
        }
        var dims = new List<int>();
        for (int k = 0; k < x.Rank; k++)
        {
            if (!flags[k])
            {
                dims.Add(x.Shape[k]);
            }
        }
        return ViewOp(y, new Shape(dims.ToArray()), OpKind.Reshape);
    }

    private static Tensor ReduceSum(Tensor x, int outer, int len, int inner, string op)
    {
        var y = Tensor.Zeros(new Shape(outer, inner));
        void Forward() => K.SumAxis(x.Span, outer, len, inner, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.RepeatAxis(g.Span, outer, len, inner, dx[0].Span), OpKind.Sum);
        }
        return y;
    }

    private static Tensor ReduceExtremum(Tensor x, int outer, int len, int inner, ReductionKind kind, string op)
    {
        if (len == 0 && outer * inner > 0)
        {
            throw new ArgumentException($"{op}: cannot reduce an empty axis of shape {x.Shape}: {op.ToLowerInvariant()} has no identity; expected every reduced axis to have at least one element.");
        }
        var y = Tensor.Zeros(new Shape(outer, inner));
        void Forward() => K.ReduceAxis(kind, x.Span, outer, len, inner, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            var ties = new float[outer * inner];
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                // As JAX and TensorFlow: the gradient is split equally among the elements equal to the extremum.
                var xs = x.Span;
                var ys = y.Span;
                var gs = g.Span;
                var d = dx[0].Span;
                Array.Clear(ties);
                for (int o = 0; o < outer; o++)
                {
                    for (int j = 0; j < len; j++)
                    {
                        for (int i = 0; i < inner; i++)
                        {
                            if (xs[((o * len) + j) * inner + i] == ys[o * inner + i])
                            {
                                ties[o * inner + i]++;
                            }
                        }
                    }
                }
                for (int o = 0; o < outer; o++)
                {
                    for (int j = 0; j < len; j++)
                    {
                        for (int i = 0; i < inner; i++)
                        {
                            int at = ((o * len) + j) * inner + i, r = o * inner + i;
                            d[at] = xs[at] == ys[r] ? gs[r] / ties[r] : 0f;
                        }
                    }
                }
            }, kind == ReductionKind.Max ? OpKind.ReduceMax : OpKind.ReduceMin);
        }
        return y;
    }

    private static Tensor ReduceProd(Tensor x, int outer, int len, int inner, string op)
    {
        var y = Tensor.Zeros(new Shape(outer, inner));
        void Forward() => K.ReduceAxis(ReductionKind.Prod, x.Span, outer, len, inner, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                // The product of the others, from prefix and suffix products: exact where x has zeros.
                var xs = x.Span;
                var gs = g.Span;
                var d = dx[0].Span;
                for (int o = 0; o < outer; o++)
                {
                    for (int i = 0; i < inner; i++)
                    {
                        float prefix = 1f;
                        for (int j = 0; j < len; j++)
                        {
                            d[((o * len) + j) * inner + i] = prefix;
                            prefix *= xs[((o * len) + j) * inner + i];
                        }
                        float suffix = 1f;
                        for (int j = len - 1; j >= 0; j--)
                        {
                            int at = ((o * len) + j) * inner + i;
                            d[at] *= suffix * gs[o * inner + i];
                            suffix *= xs[at];
                        }
                    }
                }
            }, OpKind.ReduceProd);
        }
        return y;
    }

    /// <summary>Keras keeps an integer input's dtype for max, min and prod (computed in float32: exact below 2^24).</summary>
    private static Tensor KeepIntegerDType(Tensor x, Tensor y) => x.DType is DType.Int32 or DType.UInt8 ? Cast(y, x.DType) : y;

    private static Tensor AnyAll(string op, Tensor x, int[] axes, bool keepDims, bool any)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(axes);
        var flags = AxisFlags(op, axes, x.Rank);
        var kept = x.Shape.ToArray();
        var outStride = new int[x.Rank];
        for (int d = x.Rank - 1, s = 1; d >= 0; d--)
        {
            if (flags[d])
            {
                kept[d] = 1;
            }
            else
            {
                outStride[d] = s;
                s *= x.Shape[d];
            }
        }
        // Where each input element lands in the output, made once.
        var target = new int[x.Length];
        var index = new int[x.Rank];
        for (int i = 0, at = 0; i < target.Length; i++)
        {
            target[i] = at;
            for (int d = x.Rank - 1; d >= 0; d--)
            {
                at += outStride[d];
                if (++index[d] < x.Shape[d])
                {
                    break;
                }
                at -= outStride[d] * x.Shape[d];
                index[d] = 0;
            }
        }
        var shape = keepDims ? new Shape(kept) : new Shape(Enumerable.Range(0, x.Rank).Where(d => !flags[d]).Select(d => x.Shape[d]).ToArray());
        var y = Tensor.NewLike(shape, DType.Bool);
        void Forward()
        {
            var ys = y.ByteSpan;
            ys.Fill(any ? (byte)0 : (byte)1);
            for (int i = 0; i < target.Length; i++)
            {
                bool truth = x.GetFloat(i) != 0f;
                if (truth == any)
                {
                    ys[target[i]] = any ? (byte)1 : (byte)0;
                }
            }
        }
        Forward();
        RecordNoGradient(y, [x], Forward, OpKind.AnyAll);
        return y;
    }

    private static Tensor ArgReduce(string op, Tensor x, int? axis, bool keepDims, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        var xf = F(x);
        int outer, len, inner;
        Shape shape;
        if (axis is int a)
        {
            int ax = NormalizeAxis(op, a, x.Rank);
            (outer, len, inner) = AxisSplit(x.Shape, ax);
            shape = keepDims ? x.Shape.WithDim(ax, 1) : new Shape([.. x.Shape.Dims[..ax], .. x.Shape.Dims[(ax + 1)..]]);
        }
        else
        {
            (outer, len, inner) = (1, x.Length, 1);
            shape = keepDims ? new Shape(Enumerable.Repeat(1, x.Rank).ToArray()) : Shape.Scalar;
        }
        if (len == 0 && outer * inner > 0)
        {
            throw new ArgumentException($"{op}: cannot reduce an empty axis of shape {x.Shape}; expected at least one element along axis {axis?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"}.");
        }
        var y = Tensor.NewLike(shape, DType.Int32);
        void Forward() => K.ArgReduceAxis(xf.Span, outer, len, inner, max, y.Int32Span);
        Forward();
        RecordNoGradient(y, [xf], Forward, OpKind.ArgReduce);
        return y;
    }
}
