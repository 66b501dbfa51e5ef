namespace SharpKeras.Backend.Cpu;

/// <summary>The CPU backend's multiply with B packed once into the GEMM's panels.</summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public PackedMatrix PackMatrix(ReadOnlySpan<float> b, int k, int n, bool transB) => Gemm.PackPanels(b, k, n, transB);

    /// <inheritdoc/>
    public void MatMulPacked(ReadOnlySpan<float> a, PackedMatrix b, Span<float> c, int m, bool transA, bool accumulate,
        ReadOnlySpan<float> bias, EpilogueActivation activation)
    {
        if (b is not GemmPanels panels || panels.Level != Gemm.Level)
        {
            throw new ArgumentException($"Internal error: a {b.GetType().Name} was not packed by the CPU backend at {Gemm.Level}.", nameof(b));
        }
        Gemm.MultiplyPrepacked(a, panels, c, m, transA, accumulate, bias, activation);
    }
}
