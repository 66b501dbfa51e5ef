namespace SharpKeras.Backend;

/// <summary>
/// The 3-D convolution and pooling kernel family (Keras's Conv3D, Conv3DTranspose, MaxPooling3D,
/// AveragePooling3D; NDHWC, kernel (kd, kh, kw, in / groups, filters)).
/// </summary>
internal interface IConvolution3DKernels
{
    /// <summary>Overwrites y (batch, outD, outH, outW, filters) with the grouped convolution of x, plus <paramref name="bias"/> (when not empty), through <paramref name="activation"/>.</summary>
    void Conv3DForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window3D g, int filters);

    /// <summary>Overwrites dk (kd, kh, kw, in / groups, filters) with the kernel gradient of <see cref="Conv3DForward"/> (before bias and activation) for output gradient dy.</summary>
    void Conv3DBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window3D g, int filters);

    /// <summary>Overwrites dx (batch, depth, height, width, in) with the input gradient of <see cref="Conv3DForward"/> (before bias and activation) for output gradient dy.</summary>
    void Conv3DBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window3D g, int filters);

    /// <summary>Window maxima of x into y; <paramref name="argmax"/> receives the flat input index of each maximum (padding never wins, the first maximum wins ties).</summary>
    void MaxPool3DForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window3D g);

    /// <summary>Overwrites dx with dy routed to the maxima recorded by <see cref="MaxPool3DForward"/>.</summary>
    void MaxPool3DBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window3D g);

    /// <summary>Window means of x into y over the window positions inside the input (Keras never counts padding).</summary>
    void AveragePool3DForward(ReadOnlySpan<float> x, Span<float> y, in Window3D g);

    /// <summary>Overwrites dx with the gradient of <see cref="AveragePool3DForward"/>.</summary>
    void AveragePool3DBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window3D g);
}
