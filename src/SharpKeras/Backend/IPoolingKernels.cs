namespace SharpKeras.Backend;

/// <summary>The pooling kernel family (Keras's MaxPooling2D and AveragePooling2D, NHWC).</summary>
internal interface IPoolingKernels
{
    /// <summary>Window maxima of x into y; <paramref name="argmax"/> receives the flat input index of each maximum (padding never wins), or is empty when no gradient will be routed back (inference).</summary>
    void MaxPoolForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window2D g);

    /// <summary>Overwrites dx with dy routed to the maxima recorded by <see cref="MaxPoolForward"/>.</summary>
    void MaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window2D g);

    /// <summary>Window means of x into y, over the window positions inside the input (Keras's average pooling never counts padding).</summary>
    void AveragePoolForward(ReadOnlySpan<float> x, Span<float> y, in Window2D g);

    /// <summary>Overwrites dx with the gradient of <see cref="AveragePoolForward"/>.</summary>
    void AveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window2D g);
}
