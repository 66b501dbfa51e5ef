namespace SharpKeras.Backend;

/// <summary>The normalization kernel family (Keras's BatchNormalization and LayerNormalization over a [rows, channels] matrix, channels last).</summary>
internal interface INormalizationKernels
{
    /// <summary>Floats of scratch the per-channel sums below need for <paramref name="rows"/> rows of <paramref name="c"/> channels.</summary>
    int ChannelSumScratch(int rows, int c);

    /// <summary>Mean and biased variance of each channel over the rows.</summary>
    void Moments(ReadOnlySpan<float> x, int rows, int c, Span<float> mean, Span<float> variance, Span<float> scratch);

    /// <summary>Per channel: sumG = sum of g, sumGX = sum of g (x - center).</summary>
    void GradSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center, int rows, int c,
        Span<float> scratch, Span<float> sumG, Span<float> sumGX);

    /// <summary>y = x * scale + shift, per channel.</summary>
    void ScaleShift(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y, int rows, int c);

    /// <summary>dx = a * g + b * (x - center) + d, per channel (the batch-normalization input gradient).</summary>
    void GradInput(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> d, Span<float> dx, int rows, int c);

    /// <summary>
    /// Layer normalization of each row: y = (x - mean) / sqrt(var + epsilon) * gamma + beta (gamma, beta
    /// empty when unused); keeps each row's mean and inverse standard deviation for the backward.
    /// </summary>
    void LayerNormForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> mean, Span<float> invStd, int rows, int c, float epsilon);

    /// <summary>
    /// The backward of <see cref="LayerNormForward"/>: overwrites dx (when not empty), dGamma and dBeta
    /// (when not empty) from g and the kept statistics.
    /// </summary>
    void LayerNormBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> invStd, Span<float> dx, Span<float> dGamma, Span<float> dBeta, Span<float> scratch, int rows, int c);
}
