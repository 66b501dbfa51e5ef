namespace SharpKeras.Backend;

/// <summary>
/// The projective image transform behind Keras's ops.image.affine_transform (RandomRotation, RandomZoom,
/// RandomTranslation, RandomCrop): NHWC images resampled at transformed coordinates.
/// </summary>
internal interface IImageAffineKernels
{
    /// <summary>
    /// y[b, i, j, :] = x[b] read at row (b0 j + b1 i + b2) / k and column (a0 j + a1 i + a2) / k, k = c0 j + c1 i + 1, where
    /// <paramref name="transforms"/>[8 b .. 8 b + 8] = [a0, a1, a2, b0, b1, b2, c0, c1] (Keras's order, output to input);
    /// "nearest" rounds half to even, "bilinear" weighs four pixels; points outside the image follow <paramref name="fillMode"/>,
    /// and k = 0 reads <paramref name="fillValue"/> (as TensorFlow). x is (n, h, w, c), y (n, outHeight, outWidth, c);
    /// backward overwrites x with the gradient that y's gradient sends back through the same weights.
    /// </summary>
    void AffineTransform(Span<float> x, Span<float> y, int n, int h, int w, int c, int outHeight, int outWidth, ReadOnlySpan<float> transforms,
        bool bilinear, AffineFillMode fillMode, float fillValue, bool backward);
}
