using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The special-function kernel family of the CPU backend, vectorised: erf by its odd series near zero
/// and Abramowitz and Stegun's 7.1.26 beyond (absolute error under 1.5e-7); log1p and expm1 by the
/// correction that keeps them exact where 1 + x or e^x rounds to 1.
/// </summary>
internal sealed partial class CpuBackend
{
    // Element-equivalents per value for CpuParallel's threshold: special functions are series and polynomial evaluations.
    private const long SpecialWorkPerElement = 8;

    /// <inheritdoc/>
    public unsafe void Special(MathFunction f, ReadOnlySpan<float> x, Span<float> y)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var body = new SpecialBody(f, px, py, null, null, false);
            CpuParallel.ForElements(x.Length, SpecialWorkPerElement, ref body);
        }
    }

    /// <inheritdoc/>
    public unsafe void SpecialGrad(MathFunction f, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (float* pg = g)
        fixed (float* pd = dx)
        {
            var body = new SpecialBody(f, px, pd, py, pg, true);
            CpuParallel.ForElements(x.Length, SpecialWorkPerElement, ref body);
        }
    }

    private readonly unsafe struct SpecialBody(MathFunction f, float* x, float* r, float* y, float* g, bool grad) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int i = start, width = Vector<float>.Count;
            for (; i <= end - width; i += width)
            {
                var v = Vector.Load(x + i);
                var result = grad ? SpecialDerivative(f, v, Vector.Load(y + i)) * Vector.Load(g + i) : SpecialValue(f, v);
                result.Store(r + i);
            }
            for (; i < end; i++)
            {
                // The tail goes through one-lane vectors so that it rounds exactly as the body does.
                var v = new Vector<float>(x[i]);
                var result = grad ? SpecialDerivative(f, v, new Vector<float>(y[i])) * new Vector<float>(g[i]) : SpecialValue(f, v);
                r[i] = result[0];
            }
        }
    }

    private static Vector<float> SpecialValue(MathFunction f, Vector<float> x)
    {
        var one = Vector<float>.One;
        switch (f)
        {
            case MathFunction.Erf:
                return Erf(x);
            case MathFunction.Log1p:
            {
                // log1p(x) = log(u) * x / (u - 1) with u = 1 + x rounded: the rounding of u cancels.
                var u = one + x;
                var d = u - one;
                var corrected = Vector.Log(u) * x / d;
                var r = Vector.ConditionalSelect(Vector.Equals(d, Vector<float>.Zero), x, corrected);
                // u = +inf (x = +inf) and u = 0 (x = -1) give inf * x / d: take log(u) itself there.
                var edge = Vector.Equals(u, new Vector<float>(float.PositiveInfinity)) | Vector.Equals(u, Vector<float>.Zero) | Vector.LessThan(u, Vector<float>.Zero);
                return Vector.ConditionalSelect(edge, Vector.Log(u), r);
            }
            case MathFunction.Expm1:
            {
                // expm1(x) = (u - 1) * x / log(u) with u = e^x rounded.
                var u = Vector.Exp(x);
                var d = u - one;
                var corrected = d * x / Vector.Log(u);
                var r = Vector.ConditionalSelect(Vector.Equals(d, Vector<float>.Zero), x, corrected);
                var edge = Vector.Equals(u, new Vector<float>(float.PositiveInfinity)) | Vector.Equals(d, -one) | ~Vector.Equals(x, x);
                return Vector.ConditionalSelect(edge, d, r);
            }
            case MathFunction.Abs:
                return Vector.Abs(x);
            default:
                throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown math function.");
        }
    }

    private static Vector<float> SpecialDerivative(MathFunction f, Vector<float> x, Vector<float> y) => f switch
    {
        MathFunction.Erf => new Vector<float>(1.1283791670955126f) * Vector.Exp(-(x * x)),
        MathFunction.Log1p => Vector<float>.One / (Vector<float>.One + x),
        MathFunction.Expm1 => y + Vector<float>.One,
        MathFunction.Abs => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), Vector<float>.One,
            Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -Vector<float>.One, Vector<float>.Zero)),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown math function."),
    };

    private static Vector<float> Erf(Vector<float> x)
    {
        var a = Vector.Abs(x);
        // Near zero 1 - (...) e^(-x^2) cancels; the odd series to x^13 is exact to float there (|x| < 0.5).
        var x2 = x * x;
        var series = x * (new Vector<float>(1.1283791670955126f) + x2 * (new Vector<float>(-0.37612638903183754f) + x2 * (new Vector<float>(0.11283791670955126f)
            + x2 * (new Vector<float>(-0.026866170645131252f) + x2 * (new Vector<float>(0.005223977625442188f) + x2 * (new Vector<float>(-0.0008548327023450852f)
            + x2 * new Vector<float>(0.00012055332981789664f)))))));
        var t = Vector<float>.One / (Vector<float>.One + new Vector<float>(0.3275911f) * a);
        var poly = t * (new Vector<float>(0.254829592f) + t * (new Vector<float>(-0.284496736f) + t * (new Vector<float>(1.421413741f)
            + t * (new Vector<float>(-1.453152027f) + t * new Vector<float>(1.061405429f)))));
        var far = Vector<float>.One - poly * Vector.Exp(-x2);
        far = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -far, far);
        var r = Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(0.5f)), series, far);
        // NaN stays NaN (the comparisons above are false for it and would pick the far branch's 1).
        return Vector.ConditionalSelect(Vector.Equals(x, x), r, x);
    }
}
