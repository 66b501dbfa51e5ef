namespace SharpKeras.Backend;

/// <summary>The convolution kernel family: im2col lowering for the matrix multiply and the depthwise convolution (NHWC).</summary>
internal interface IConvolutionKernels
{
    /// <summary>Writes the im2col rows (one per output position, <see cref="Window2D.PatchSize"/> wide, zeros in the padding) of images [first, first + count).</summary>
    void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Window2D g, int first, int count);

    /// <summary>Overwrites the values of images [first, first + count) in <paramref name="dx"/> with the sum of their im2col rows (the adjoint of <see cref="Im2Col"/>).</summary>
    void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, in Window2D g, int first, int count);

    /// <summary>Depthwise convolution: kernel (kh, kw, channels, multiplier), output channel c * multiplier + m.</summary>
    void DepthwiseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, Span<float> y, in Window2D g, int multiplier);

    /// <summary>Overwrites dx with the input gradient of <see cref="DepthwiseForward"/>.</summary>
    void DepthwiseBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int multiplier);

    /// <summary>Overwrites dk with the kernel gradient of <see cref="DepthwiseForward"/>.</summary>
    void DepthwiseBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int multiplier);
}
