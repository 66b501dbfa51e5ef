namespace SharpKeras.Backend;

/// <summary>The convolution forward with its kernel packed once (Predict keeps a Conv1D/Conv2D kernel packed between calls).</summary>
internal interface IPackedConvolutionKernels
{
    /// <summary>The kernel (kh, kw, in, filters), read as [patch, filters], packed for <see cref="ConvForwardPacked"/>; the values are copied.</summary>
    PackedMatrix PackConvKernel(ReadOnlySpan<float> kernel, int patch, int filters);

    /// <summary>
    /// <see cref="IImplicitConvolutionKernels.ConvForward"/> with the kernel packed by <see cref="PackConvKernel"/>:
    /// the same floats as <see cref="IImplicitConvolutionKernels.ConvForward"/> on the unpacked kernel.
    /// </summary>
    void ConvForwardPacked(ReadOnlySpan<float> x, PackedMatrix kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters);
}
