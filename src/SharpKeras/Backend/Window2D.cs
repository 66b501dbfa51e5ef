namespace SharpKeras.Backend;

/// <summary>
/// The geometry of a 2-D sliding window over a batch of NHWC images: input size, window (kernel or
/// pool) size, strides, dilation, the padding before each spatial axis and the output size.
/// </summary>
internal readonly record struct Window2D(int Batch, int Height, int Width, int Channels, int KernelH, int KernelW,
    int StrideH, int StrideW, int DilationH, int DilationW, int PadTop, int PadLeft, int OutH, int OutW)
{
    /// <summary>Values in one window over all channels (the im2col row length).</summary>
    public int PatchSize => KernelH * KernelW * Channels;

    /// <summary>Output positions per image.</summary>
    public int OutPixels => OutH * OutW;

    /// <summary>Input values per image.</summary>
    public int ImageSize => Height * Width * Channels;

    /// <summary>Largest im2col scratch, in floats, a convolution uses (8 MiB); the batch is processed in chunks of images that fit.</summary>
    public const int ScratchFloats = 1 << 21;

    /// <summary>Images per chunk so that a chunk's im2col matrix fits the scratch budget.</summary>
    public int ImagesPerChunk => Math.Clamp(ScratchFloats / Math.Max(1, OutPixels * PatchSize), 1, Math.Max(1, Batch));

    /// <summary>True when the im2col matrix is the input itself (1x1 window, stride 1, no padding).</summary>
    public bool IsPointwise =>
        KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 && PadTop == 0 && PadLeft == 0
        && OutH == Height && OutW == Width;

    /// <summary>
    /// The output size of one spatial axis and the padding before it, as Keras computes them:
    /// "valid" keeps windows inside the input, "same" gives ceil(size / stride) outputs and pads
    /// max((out - 1) * stride + window - size, 0) split with the smaller half first, "causal"
    /// pads window - 1 before and nothing after.
    /// </summary>
    public static (int Out, int PadBefore) Axis(int size, int kernel, int stride, int dilation, string padding)
    {
        int effective = (kernel - 1) * dilation + 1;
        switch (padding)
        {
            case "same":
                int outSame = (size + stride - 1) / stride;
                int total = Math.Max((outSame - 1) * stride + effective - size, 0);
                return (outSame, total / 2);
            case "causal":
                return ((size - 1) / stride + 1, effective - 1);
            default:
                return (size < effective ? 0 : (size - effective) / stride + 1, 0);
        }
    }

    /// <summary>The geometry for an NHWC input, a window, strides, dilation and a Keras padding name.</summary>
    public static Window2D Create(int batch, int height, int width, int channels, int kernelH, int kernelW,
        int strideH, int strideW, int dilationH, int dilationW, string padding)
    {
        var (oh, pt) = Axis(height, kernelH, strideH, dilationH, padding == "causal" ? "valid" : padding);
        var (ow, pl) = Axis(width, kernelW, strideW, dilationW, padding);
        return new Window2D(batch, height, width, channels, kernelH, kernelW, strideH, strideW, dilationH, dilationW, pt, pl, oh, ow);
    }
}
