namespace SharpKeras.Backend;

/// <summary>The image kernel family of the preprocessing layers (Resizing, CenterCrop, crop and pad to aspect ratio): separable resampling of NHWC images.</summary>
internal interface IImageKernels
{
    /// <summary>
    /// y[b, i, j, :] = sum over row taps r and column taps s of rows.Weight[r] * cols.Weight[s] * x[b, rows.Index[r], cols.Index[s], :],
    /// a tap with index -1 reading <paramref name="fill"/> (forward: x (n, h, w, c) to y (n, rows.OutSize, cols.OutSize, c));
    /// backward overwrites x with the gradient that y's gradient sends back through the same weights.
    /// </summary>
    void Resample2D(Span<float> x, Span<float> y, int n, int h, int w, int c, ResampleTaps rows, ResampleTaps cols, float fill, bool backward);
}
