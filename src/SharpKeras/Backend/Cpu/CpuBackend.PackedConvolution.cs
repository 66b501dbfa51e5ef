namespace SharpKeras.Backend.Cpu;

/// <summary>The CPU backend's convolution forward with the kernel packed once into the direct kernel's panels.</summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public PackedMatrix PackConvKernel(ReadOnlySpan<float> kernel, int patch, int filters) => DirectConvolution.Pack(Gemm.Level, kernel, patch, filters);

    /// <inheritdoc/>
    public void ConvForwardPacked(ReadOnlySpan<float> x, PackedMatrix kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters)
    {
        if (kernel is not ConvPanels panels || panels.Level != Gemm.Level)
        {
            throw new ArgumentException($"Internal error: a {kernel.GetType().Name} was not packed by the CPU backend's convolution at {Gemm.Level}.", nameof(kernel));
        }
        ImplicitConvolution.ForwardPacked(x, panels, bias, activation, y, g, filters);
    }
}
