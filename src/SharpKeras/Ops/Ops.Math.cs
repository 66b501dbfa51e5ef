using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>keras.ops's element-wise special functions (erf, log1p, expm1, absolute) and running sums and products.</summary>
public static partial class Ops
{
    /// <summary>The Gauss error function, element-wise (Keras's <c>ops.erf</c>).</summary>
    public static Tensor Erf(Tensor x) => Special(x, MathFunction.Erf);

    /// <summary>log(1 + x), accurate for small x (Keras's <c>ops.log1p</c>).</summary>
    public static Tensor Log1p(Tensor x) => Special(x, MathFunction.Log1p);

    /// <summary>exp(x) - 1, accurate for small x (Keras's <c>ops.expm1</c>).</summary>
    public static Tensor Expm1(Tensor x) => Special(x, MathFunction.Expm1);

    /// <summary>|x| (Keras's <c>ops.absolute</c>); the gradient at 0 is 0, as sign(0).</summary>
    public static Tensor Abs(Tensor x) => Special(x, MathFunction.Abs);

    private static Tensor Special(Tensor x, MathFunction f)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        void Forward() => K.Special(f, x.Span, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.SpecialGrad(f, x.Span, y.Span, g.Span, dx[0].Span), OpKind.SpecialFunction);
        }
        return y;
    }

    /// <summary>Running sum along <paramref name="axis"/> (all elements, flattened, when null) (Keras's <c>ops.cumsum</c>).</summary>
    public static Tensor Cumsum(Tensor x, int? axis = null) => Cumulative(x, axis, product: false);

    /// <summary>Running product along <paramref name="axis"/> (all elements, flattened, when null) (Keras's <c>ops.cumprod</c>).</summary>
    public static Tensor Cumprod(Tensor x, int? axis = null) => Cumulative(x, axis, product: true);

    private static Tensor Cumulative(Tensor x, int? axis, bool product)
    {
        ArgumentNullException.ThrowIfNull(x);
        var dtype = x.DType;
        x = F(x);
        if (axis is null)
        {
            x = ViewOp(x, new Shape(x.Length), OpKind.Reshape);
        }
        int ax = NormalizeAxis(product ? "Cumprod" : "Cumsum", axis ?? 0, x.Rank);
        var (outer, len, inner) = AxisSplit(x.Shape, ax);
        var y = Tensor.Zeros(x.Shape);
        void Forward() => K.CumulativeAxis(x.Span, outer, len, inner, product, reverse: false, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                if (!product)
                {
                    // d(sum_{k<=j} x_k)/dx_i = 1 for every j >= i: a running sum of g from the end.
                    K.CumulativeAxis(g.Span, outer, len, inner, product: false, reverse: true, dx[0].Span);
                    return;
                }
                CumprodGrad(x.Span, g.Span, outer, len, inner, dx[0].Span);
            }, product ? OpKind.Cumprod : OpKind.Cumsum);
        }
        // Keras keeps an integer input's dtype.
        return dtype is DType.Int32 or DType.UInt8 ? Cast(y, dtype) : y;
    }

    /// <summary>dx_i = sum over j >= i of g_j times the product of x_k for k &lt;= j, k != i: exact with zeros in x, unlike g * y / x.</summary>
    private static void CumprodGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int at(int j) => ((o * len) + j) * inner + i;
                float prefix = 1f;
                for (int p = 0; p < len; p++)
                {
                    float acc = 0f, term = prefix;
                    for (int j = p; j < len; j++)
                    {
                        if (j > p)
                        {
                            term *= x[at(j)];
                        }
                        acc += g[at(j)] * term;
                    }
                    dx[at(p)] = acc;
                    prefix *= x[at(p)];
                }
            }
        }
    }

    /// <summary>x^p element-wise for a constant p (the p-norms' powers); the gradient p x^(p-1).</summary>
    internal static Tensor PowScalar(Tensor x, float p)
    {
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        void Forward()
        {
            var xs = x.Span;
            var ys = y.Span;
            for (int i = 0; i < xs.Length; i++)
            {
                ys[i] = MathF.Pow(xs[i], p);
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                var xs = x.Span;
                var gs = g.Span;
                var d = dx[0].Span;
                for (int i = 0; i < xs.Length; i++)
                {
                    d[i] = gs[i] * p * MathF.Pow(xs[i], p - 1);
                }
            }, OpKind.Power);
        }
        return y;
    }
}
