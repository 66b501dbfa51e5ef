namespace SharpKeras.Backend.Reference;

/// <summary>The special-function kernel family of the reference backend, in double precision.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void Special(MathFunction f, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(f switch
            {
                MathFunction.Erf => ErfSeries(v),
                MathFunction.Log1p => System.Math.Abs(v) < 1e-4 ? v - (v * v / 2) + (v * v * v / 3) : System.Math.Log(1 + v),
                MathFunction.Expm1 => System.Math.Abs(v) < 1e-4 ? v + (v * v / 2) + (v * v * v / 6) : System.Math.Exp(v) - 1,
                MathFunction.Abs => System.Math.Abs(v),
                _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown math function."),
            });
        }
    }

    /// <inheritdoc/>
    public void SpecialGrad(MathFunction f, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double d = f switch
            {
                MathFunction.Erf => 2 / System.Math.Sqrt(System.Math.PI) * System.Math.Exp(-v * v),
                MathFunction.Log1p => 1 / (1 + v),
                MathFunction.Expm1 => System.Math.Exp(v),
                MathFunction.Abs => System.Math.Sign(v),
                _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown math function."),
            };
            dx[i] = (float)(g[i] * d);
        }
    }

    /// <summary>erf by its Maclaurin series in double (exact to float precision below |x| = 5; beyond, erf is ±1 in float).</summary>
    private static double ErfSeries(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        if (System.Math.Abs(x) >= 5)
        {
            return System.Math.Sign(x);
        }
        // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)).
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (System.Math.Abs(add) < 1e-17 * System.Math.Abs(sum))
            {
                break;
            }
        }
        return 2 / System.Math.Sqrt(System.Math.PI) * sum;
    }
}
