namespace SharpKeras.Backend;

/// <summary>The adaptive pooling kernel family (Keras's AdaptiveMaxPooling1D/2D and AdaptiveAveragePooling1D/2D, NHWC).</summary>
internal interface IAdaptivePoolingKernels
{
    /// <summary>Bin maxima of x into y; <paramref name="argmax"/> receives the flat input index of each maximum (the first on ties).</summary>
    void AdaptiveMaxPoolForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in AdaptivePool2D g);

    /// <summary>Overwrites dx with dy routed to the maxima recorded by <see cref="AdaptiveMaxPoolForward"/> (summed where bins share one).</summary>
    void AdaptiveMaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in AdaptivePool2D g);

    /// <summary>Bin means of x into y.</summary>
    void AdaptiveAveragePoolForward(ReadOnlySpan<float> x, Span<float> y, in AdaptivePool2D g);

    /// <summary>Overwrites dx with the gradient of <see cref="AdaptiveAveragePoolForward"/>: each output gradient spread evenly over its bin.</summary>
    void AdaptiveAveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, in AdaptivePool2D g);
}
