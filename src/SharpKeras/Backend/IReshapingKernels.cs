namespace SharpKeras.Backend;

/// <summary>The data-movement kernel family: Keras's ZeroPadding2D, UpSampling2D and transpose (NHWC), and row gathers.</summary>
internal interface IReshapingKernels
{
    /// <summary>
    /// Pads images (n, h, w, c) with zeros by top and left into (n, ph, pw, c) (forward: x to y), or
    /// takes the inner part of a padded gradient back (backward: y to x).
    /// </summary>
    void Pad2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int top, int left, int ph, int pw, bool backward);

    /// <summary>Nearest-neighbour upsampling of (n, h, w, c) by (sh, sw): forward repeats each pixel into y; backward overwrites x with each block's summed gradient.</summary>
    void Upsample2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int sh, int sw, bool backward);

    /// <summary>y = x with its axes permuted (y's axis i is x's axis perm[i]); backward scatters y back into x.</summary>
    void Transpose(Span<float> x, ReadOnlySpan<int> xDims, ReadOnlySpan<int> perm, Span<float> y, bool backward);

    /// <summary>Copies rows indices[k] of src (rows of <paramref name="rowBytes"/> bytes) to row k of dst.</summary>
    void GatherRows(ReadOnlySpan<byte> src, Span<byte> dst, ReadOnlySpan<int> indices, int rowBytes);
}
