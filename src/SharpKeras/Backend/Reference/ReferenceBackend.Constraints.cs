namespace SharpKeras.Backend.Reference;

/// <summary>The weight-constraint kernel family of the reference backend: one element at a time, its slice found from its full index.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void SliceSquaredNorms(ReadOnlySpan<float> w, ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride, Span<float> sumSquares)
    {
        sumSquares.Clear();
        for (int i = 0; i < w.Length; i++)
        {
            sumSquares[SliceOf(i, dims, groupStride)] += w[i] * w[i];
        }
    }

    /// <inheritdoc/>
    public void ScaleSlices(Span<float> w, ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride, ReadOnlySpan<float> factors)
    {
        for (int i = 0; i < w.Length; i++)
        {
            w[i] *= factors[SliceOf(i, dims, groupStride)];
        }
    }

    private static int SliceOf(int flat, ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride)
    {
        int group = 0;
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            group += flat % dims[d] * groupStride[d];
            flat /= dims[d];
        }
        return group;
    }
}
