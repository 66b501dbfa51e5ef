namespace SharpKeras.Backend;

/// <summary>The convolution kernel family of Keras's Conv1D/Conv2D (NHWC, kernel (kh, kw, in, filters)): forward and both gradients, without a stored im2col matrix.</summary>
internal interface IImplicitConvolutionKernels
{
    /// <summary>Overwrites y (batch, outH, outW, filters) with the convolution of x, plus <paramref name="bias"/> (when not empty), through <paramref name="activation"/>.</summary>
    void ConvForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters);

    /// <summary>Overwrites dk (kh, kw, in, filters) with the kernel gradient of <see cref="ConvForward"/> (before its bias and activation) for output gradient dy.</summary>
    void ConvBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int filters);

    /// <summary>Overwrites dx (batch, height, width, in) with the input gradient of <see cref="ConvForward"/> (before its bias and activation) for output gradient dy.</summary>
    void ConvBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int filters);
}
