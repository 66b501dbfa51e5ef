namespace SharpKeras.Backend.Cpu;

/// <summary>The activation kernel family of the CPU backend (<see cref="ActivationKernels"/>).</summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void Activation(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, Span<float> y) =>
        ActivationKernels.Forward(kind, a, b, c, x, y);

    /// <inheritdoc/>
    public void ActivationGrad(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx) =>
        ActivationKernels.Backward(kind, a, b, c, x, g, dx);

    /// <inheritdoc/>
    public void EpilogueGrad(EpilogueActivation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dz) =>
        ActivationKernels.EpilogueGrad(activation, y, g, dz);

    /// <inheritdoc/>
    public void Sparsemax(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y) =>
        ActivationKernels.Sparsemax(x, outer, len, inner, y);

    /// <inheritdoc/>
    public void SparsemaxGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx) =>
        ActivationKernels.SparsemaxGrad(x, y, g, outer, len, inner, dx);

    /// <inheritdoc/>
    public void Glu(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y) => ActivationKernels.Glu(x, outer, len, inner, y);

    /// <inheritdoc/>
    public void GluGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx) =>
        ActivationKernels.GluGrad(x, g, outer, len, inner, dx);
}
