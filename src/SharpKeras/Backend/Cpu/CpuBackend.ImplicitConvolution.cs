namespace SharpKeras.Backend.Cpu;

/// <summary>The CPU backend's convolutions: implicit GEMMs packing windows straight from the images.</summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void ConvForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters) =>
        ImplicitConvolution.Forward(x, kernel, bias, activation, y, g, filters);

    /// <inheritdoc/>
    public void ConvBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int filters) =>
        ImplicitConvolution.BackwardKernel(x, dy, dk, g, filters);

    /// <inheritdoc/>
    public void ConvBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int filters) =>
        ImplicitConvolution.BackwardInput(dy, kernel, dx, g, filters);
}
