namespace SharpKeras.Backend.Reference;

/// <summary>The activation kernels of the reference backend: Keras's definitions as written, one value at a time, in double.</summary>
internal sealed partial class ReferenceBackend
{
    private const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double Softplus(double x) => x > 0 ? x + Math.Log(1.0 + Math.Exp(-x)) : Math.Log(1.0 + Math.Exp(x));

    /// <summary>erf through the Chebyshev fit of erfc in Numerical Recipes (fractional error below 1.2e-7), a different formula from the CPU kernel's.</summary>
    private static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }

    /// <summary>f(x) of one value.</summary>
    internal static float Activate(ActivationKind kind, double a, double b, double c, double x) => (float)(kind switch
    {
        ActivationKind.Relu => Math.Min(x > c ? x : 0.0, b) - a * Math.Max(c - x, 0.0),
        ActivationKind.Elu => x > 0 ? x : a * (Math.Exp(x) - 1.0),
        ActivationKind.Selu => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1.0)),
        ActivationKind.Celu => x > 0 ? x : a * (Math.Exp(x / a) - 1.0),
        ActivationKind.Gelu => 0.5 * x * (1.0 + Erf(x / Math.Sqrt(2.0))),
        ActivationKind.GeluApproximate => 0.5 * x * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x))),
        ActivationKind.Silu => x * Sigmoid(x),
        ActivationKind.Softplus => Softplus(x),
        ActivationKind.Softsign => x / (1.0 + Math.Abs(x)),
        ActivationKind.HardSigmoid => Math.Clamp(x / 6.0 + 0.5, 0.0, 1.0),
        ActivationKind.HardSilu => x <= -3 ? 0.0 : x >= 3 ? x : x * (x + 3.0) / 6.0,
        ActivationKind.Mish => x * Math.Tanh(Softplus(x)),
        ActivationKind.LogSigmoid => -Softplus(-x),
        ActivationKind.TanhShrink => x - Math.Tanh(x),
        ActivationKind.HardTanh => Math.Clamp(x, -1.0, 1.0),
        ActivationKind.HardShrink => Math.Abs(x) > a ? x : 0.0,
        ActivationKind.SoftShrink => x > a ? x - a : x < -a ? x + a : 0.0,
        ActivationKind.Squareplus => (x + Math.Sqrt(x * x + a)) / 2.0,
        ActivationKind.SparsePlus => x <= -1 ? 0.0 : x >= 1 ? x : 0.25 * (x + 1) * (x + 1),
        ActivationKind.SparseSigmoid => x <= -1 ? 0.0 : x >= 1 ? 1.0 : 0.5 * (x + 1),
        ActivationKind.Threshold => x > a ? x : b,
        ActivationKind.Exponential => Math.Exp(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation kind."),
    });

    /// <summary>f'(x) of one value.</summary>
    private static double Derivative(ActivationKind kind, double a, double b, double c, double x)
    {
        switch (kind)
        {
            case ActivationKind.Relu: return (x > c && x < b ? 1.0 : 0.0) + (x < c ? a : 0.0);
            case ActivationKind.Elu: return x > 0 ? 1.0 : a * Math.Exp(x);
            case ActivationKind.Selu: return SeluScale * (x > 0 ? 1.0 : SeluAlpha * Math.Exp(x));
            case ActivationKind.Celu: return x > 0 ? 1.0 : Math.Exp(x / a);
            case ActivationKind.Gelu: return 0.5 * (1.0 + Erf(x / Math.Sqrt(2.0))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI);
            case ActivationKind.GeluApproximate:
                {
                    double k = Math.Sqrt(2.0 / Math.PI);
                    double t = Math.Tanh(k * (x + 0.044715 * x * x * x));
                    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3.0 * 0.044715 * x * x);
                }
            case ActivationKind.Silu: return Sigmoid(x) * (1.0 + x * (1.0 - Sigmoid(x)));
            case ActivationKind.Softplus: return Sigmoid(x);
            case ActivationKind.Softsign: return 1.0 / ((1.0 + Math.Abs(x)) * (1.0 + Math.Abs(x)));
            case ActivationKind.HardSigmoid: return x > -3 && x < 3 ? 1.0 / 6.0 : 0.0;
            case ActivationKind.HardSilu: return x < -3 ? 0.0 : x > 3 ? 1.0 : (2.0 * x + 3.0) / 6.0;
            case ActivationKind.Mish:
                {
                    double t = Math.Tanh(Softplus(x));
                    return t + x * (1.0 - t * t) * Sigmoid(x);
                }
            case ActivationKind.LogSigmoid: return Sigmoid(-x);
            case ActivationKind.TanhShrink: return Math.Tanh(x) * Math.Tanh(x);
            case ActivationKind.HardTanh: return x > -1 && x < 1 ? 1.0 : 0.0;
            case ActivationKind.HardShrink: return Math.Abs(x) > a ? 1.0 : 0.0;
            case ActivationKind.SoftShrink: return Math.Abs(x) > a ? 1.0 : 0.0;
            case ActivationKind.Squareplus: return 0.5 * (1.0 + x / Math.Sqrt(x * x + a));
            case ActivationKind.SparsePlus: return x <= -1 ? 0.0 : x >= 1 ? 1.0 : 0.5 * (x + 1);
            case ActivationKind.SparseSigmoid: return x > -1 && x < 1 ? 0.5 : 0.0;
            case ActivationKind.Threshold: return x > a ? 1.0 : 0.0;
            case ActivationKind.Exponential: return Math.Exp(x);
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation kind.");
        }
    }

    /// <inheritdoc/>
    public void Activation(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Activate(kind, a, b, c, x[i]);
        }
    }

    /// <inheritdoc/>
    public void ActivationGrad(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = (float)(Derivative(kind, a, b, c, x[i]) * g[i]);
        }
    }

    /// <inheritdoc/>
    public void EpilogueGrad(EpilogueActivation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dz)
    {
        for (int i = 0; i < y.Length; i++)
        {
            dz[i] = g[i] * EpilogueActivations.DerivativeFromOutput(activation, y[i]);
        }
    }

    /// <summary>
    /// One slice of Keras's sparsemax by its definition, without sorting: the sorted position of each
    /// element is its rank (larger values first, ties by index), running sums are taken over ranks.
    /// Returns tau, and fills <paramref name="rank"/> and <paramref name="inSupport"/> (by rank) and k.
    /// </summary>
    private static double SparsemaxSlice(ReadOnlySpan<float> x, int at, int len, int inner, int[] rank, bool[] inSupport, out int k)
    {
        var byRank = new double[len];
        for (int m = 0; m < len; m++)
        {
            int r = 0;
            for (int p = 0; p < len; p++)
            {
                if (x[at + p * inner] > x[at + m * inner] || (x[at + p * inner] == x[at + m * inner] && p < m))
                {
                    r++;
                }
            }
            rank[m] = r;
            byRank[r] = x[at + m * inner];
        }
        double cum = 0, sumOfCums = 0;
        k = 0;
        for (int j = 0; j < len; j++)
        {
            cum += byRank[j];
            inSupport[j] = byRank[j] - (cum - 1.0) / (j + 1) > 0;
            if (inSupport[j])
            {
                sumOfCums += cum;
                k++;
            }
        }
        return (sumOfCums - 1.0) / k;
    }

    /// <inheritdoc/>
    public void Sparsemax(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y)
    {
        var rank = new int[len];
        var inSupport = new bool[len];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int at = o * len * inner + i;
                double tau = SparsemaxSlice(x, at, len, inner, rank, inSupport, out _);
                for (int j = 0; j < len; j++)
                {
                    y[at + j * inner] = (float)Math.Max(x[at + j * inner] - tau, 0.0);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void SparsemaxGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx)
    {
        var rank = new int[len];
        var inSupport = new bool[len];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int at = o * len * inner + i;
                SparsemaxSlice(x, at, len, inner, rank, inSupport, out int k);
                double gPass = 0;
                for (int j = 0; j < len; j++)
                {
                    gPass += y[at + j * inner] > 0f ? g[at + j * inner] : 0.0;
                }
                for (int m = 0; m < len; m++)
                {
                    // tau holds z at rank r once in every running sum from r on that is in the support.
                    int count = 0;
                    for (int j = rank[m]; j < len; j++)
                    {
                        count += inSupport[j] ? 1 : 0;
                    }
                    int p = at + m * inner;
                    dx[p] = (float)((y[p] > 0f ? g[p] : 0.0) - gPass * count / k);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Glu(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y)
    {
        int half = len / 2;
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < half; j++)
            {
                for (int i = 0; i < inner; i++)
                {
                    double a = x[(o * len + j) * inner + i], b = x[(o * len + j + half) * inner + i];
                    y[(o * half + j) * inner + i] = (float)(a * Sigmoid(b));
                }
            }
        }
    }

    /// <inheritdoc/>
    public void GluGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx)
    {
        int half = len / 2;
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < half; j++)
            {
                for (int i = 0; i < inner; i++)
                {
                    int ia = (o * len + j) * inner + i, ib = (o * len + j + half) * inner + i;
                    double gv = g[(o * half + j) * inner + i], s = Sigmoid(x[ib]);
                    dx[ia] = (float)(gv * s);
                    dx[ib] = (float)(gv * x[ia] * s * (1 - s));
                }
            }
        }
    }
}
