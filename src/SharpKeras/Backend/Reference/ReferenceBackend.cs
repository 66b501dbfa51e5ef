namespace SharpKeras.Backend.Reference;

/// <summary>
/// The reference backend: every kernel as plain scalar loops on one thread, written to be read
/// (as Keras's NumPy backend or llm.c's reference passes). It is the oracle the CPU backend's
/// kernels are tested against, and runs whole models when <c>SHARPKERAS_BACKEND=reference</c>.
/// </summary>
internal sealed partial class ReferenceBackend : IBackend
{
    /// <summary>The one instance.</summary>
    public static readonly ReferenceBackend Instance = new();

    private ReferenceBackend()
    {
    }

    /// <inheritdoc/>
    public string Name => "reference";

    /// <inheritdoc/>
    public string MatMulVariant => "scalar";

    /// <inheritdoc/>
    public void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transA, bool transB, bool accumulate, ReadOnlySpan<float> bias, EpilogueActivation activation)
    {
        // Row by row: each row of C is summed over p in order 0..K-1 in double, walking B along its
        // rows, so the oracle carries no float32 rounding of its own into the sums.
        var row = new double[n];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(row);
            for (int p = 0; p < k; p++)
            {
                float aip = transA ? a[p * m + i] : a[i * k + p];
                for (int j = 0; j < n; j++)
                {
                    row[j] += (double)aip * (transB ? b[j * k + p] : b[p * n + j]);
                }
            }
            for (int j = 0; j < n; j++)
            {
                float v = accumulate ? c[i * n + j] + (float)row[j] : (float)row[j];
                if (!bias.IsEmpty)
                {
                    v += bias[j];
                }
                c[i * n + j] = Activate(activation, v);
            }
        }
    }

    /// <summary>An epilogue activation of one value.</summary>
    internal static float Activate(EpilogueActivation activation, float v) => activation switch
    {
        EpilogueActivation.Relu => MathF.Max(v, 0f),
        EpilogueActivation.Sigmoid => 1f / (1f + MathF.Exp(-v)),
        EpilogueActivation.Tanh => MathF.Tanh(v),
        _ => EpilogueActivations.Kernel(activation) is { } k ? Activate(k.Kind, k.A, k.B, k.C, v) : v,
    };

    /// <summary>The derivative of an epilogue activation expressed through its output y.</summary>
    internal static float DerivativeFromOutput(EpilogueActivation activation, float y) => activation switch
    {
        EpilogueActivation.Relu => y > 0f ? 1f : 0f,
        EpilogueActivation.Sigmoid => y * (1f - y),
        EpilogueActivation.Tanh => 1f - y * y,
        _ => 1f,
    };

    /// <inheritdoc/>
    public IRecurrentKernel CreateRecurrent(RecurrentKind kind, int batch, int time, int features, int units,
        EpilogueActivation activation, EpilogueActivation recurrentActivation, bool goBackwards, bool zeroOutputForMask,
        bool inputDropout, bool recurrentDropout) =>
        new ReferenceRecurrentKernel(kind, batch, time, features, units, activation, recurrentActivation, goBackwards, zeroOutputForMask);
}
