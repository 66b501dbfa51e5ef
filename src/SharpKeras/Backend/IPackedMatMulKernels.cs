namespace SharpKeras.Backend;

/// <summary>The matrix multiply with its right operand packed once and reused (weights kept packed between inference calls).</summary>
internal interface IPackedMatMulKernels
{
    /// <summary>op(B) [K, N] (B stored [N, K] when <paramref name="transB"/>) packed for <see cref="MatMulPacked"/>; B is copied, so later writes to it do not reach the result.</summary>
    PackedMatrix PackMatrix(ReadOnlySpan<float> b, int k, int n, bool transB);

    /// <summary>
    /// C[M,N] = op(A)[M,K] B (or C += ... when <paramref name="accumulate"/>) with B packed by this backend's
    /// <see cref="PackMatrix"/>, then <paramref name="bias"/> and <paramref name="activation"/>: the same floats
    /// as <see cref="IMatMulKernels.MatMul"/> on the unpacked B.
    /// </summary>
    void MatMulPacked(ReadOnlySpan<float> a, PackedMatrix b, Span<float> c, int m, bool transA, bool accumulate,
        ReadOnlySpan<float> bias = default, EpilogueActivation activation = EpilogueActivation.None);
}
