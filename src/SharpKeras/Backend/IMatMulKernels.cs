namespace SharpKeras.Backend;

/// <summary>The matrix-multiply kernel family (the GEMM behind Keras's Dense, matmul and lowered convolutions).</summary>
internal interface IMatMulKernels
{
    /// <summary>
    /// C[M,N] = op(A)[M,K] op(B)[K,N] (or C += ... when <paramref name="accumulate"/>), row-major;
    /// A is [K,M] when <paramref name="transA"/>, B is [N,K] when <paramref name="transB"/>. Then adds
    /// <paramref name="bias"/> (length N, when not empty) to every row and applies <paramref name="activation"/>.
    /// </summary>
    void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transA, bool transB, bool accumulate, ReadOnlySpan<float> bias = default, EpilogueActivation activation = EpilogueActivation.None);
}
