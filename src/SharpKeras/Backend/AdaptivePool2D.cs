namespace SharpKeras.Backend;

/// <summary>
/// The geometry of adaptive pooling over NHWC images: output row i covers input rows
/// [floor(i * H / OH), ceil((i + 1) * H / OH)), and likewise for columns, as Keras's adaptive
/// pooling (and PyTorch's) bins them. A 1-D input is an image of height 1.
/// </summary>
internal readonly record struct AdaptivePool2D(int Batch, int Height, int Width, int Channels, int OutH, int OutW)
{
    /// <summary>The first input row (or column) of bin <paramref name="i"/> of <paramref name="outSize"/> bins over <paramref name="inSize"/>.</summary>
    public static int Start(int i, int inSize, int outSize) => (int)((long)i * inSize / outSize);

    /// <summary>One past the last input row (or column) of bin <paramref name="i"/>.</summary>
    public static int End(int i, int inSize, int outSize) => (int)((((long)i + 1) * inSize + outSize - 1) / outSize);

    /// <summary>Output positions per image.</summary>
    public int OutPixels => OutH * OutW;

    /// <summary>The input window of output position (oy, ox): rows [Y0, Y1), columns [X0, X1).</summary>
    public (int Y0, int Y1, int X0, int X1) Window(int oy, int ox) =>
        (Start(oy, Height, OutH), End(oy, Height, OutH), Start(ox, Width, OutW), End(ox, Width, OutW));
}
