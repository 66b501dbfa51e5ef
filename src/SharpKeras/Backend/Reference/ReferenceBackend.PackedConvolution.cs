namespace SharpKeras.Backend.Reference;

/// <summary>The reference backend's "packed" convolution: a plain copy of the kernel, convolved by the defining sums.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public PackedMatrix PackConvKernel(ReadOnlySpan<float> kernel, int patch, int filters) => PackMatrix(kernel, patch, filters, false);

    /// <inheritdoc/>
    public void ConvForwardPacked(ReadOnlySpan<float> x, PackedMatrix kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters)
    {
        if (kernel is not Copy copy || copy.K != g.PatchSize || copy.N != filters)
        {
            throw new ArgumentException($"Internal error: a {kernel.GetType().Name} ({kernel.K}x{kernel.N}) was not packed by the reference backend for a {g.PatchSize}x{filters} convolution kernel.", nameof(kernel));
        }
        ConvForward(x, copy.Values, bias, activation, y, g, filters);
    }
}
