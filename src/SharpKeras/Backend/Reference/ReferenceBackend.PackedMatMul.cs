namespace SharpKeras.Backend.Reference;

/// <summary>The reference backend's "packed" multiply: a plain copy of op(B), multiplied by the defining sums.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public PackedMatrix PackMatrix(ReadOnlySpan<float> b, int k, int n, bool transB)
    {
        var copy = new float[k * n];
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                copy[p * n + j] = transB ? b[j * k + p] : b[p * n + j];
            }
        }
        return new Copy(k, n, copy);
    }

    /// <inheritdoc/>
    public void MatMulPacked(ReadOnlySpan<float> a, PackedMatrix b, Span<float> c, int m, bool transA, bool accumulate,
        ReadOnlySpan<float> bias, EpilogueActivation activation)
    {
        if (b is not Copy copy)
        {
            throw new ArgumentException($"Internal error: a {b.GetType().Name} was not packed by the reference backend.", nameof(b));
        }
        MatMul(a, copy.Values, c, m, b.N, b.K, transA, false, accumulate, bias, activation);
    }

    /// <summary>op(B) stored [K, N].</summary>
    private sealed class Copy(int k, int n, float[] values) : PackedMatrix(k, n)
    {
        public float[] Values { get; } = values;
    }
}
