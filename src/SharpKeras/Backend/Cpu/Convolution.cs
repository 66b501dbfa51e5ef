using System.Numerics;

namespace SharpKeras.Backend.Cpu;

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

/// <summary>
/// Convolution lowered to the packed matrix multiply: im2col copies the windows of a few images
/// into a bounded scratch matrix (one row per output position, one column per kernel tap and input
/// channel) and col2im adds such a matrix back into image gradients.
/// </summary>
internal static unsafe class Convolution
{
    /// <summary>Largest im2col scratch, in floats, a convolution uses (8 MiB); the batch is processed in chunks of images that fit.</summary>
    public const int ScratchFloats = 1 << 21;

    /// <summary>Images per chunk so that a chunk's im2col matrix fits the scratch budget.</summary>
    public static int ImagesPerChunk(in Window2D g) =>
        Math.Clamp(ScratchFloats / Math.Max(1, g.OutPixels * g.PatchSize), 1, Math.Max(1, g.Batch));

    /// <summary>True when the im2col matrix is the input itself (1x1 window, stride 1, no padding).</summary>
    public static bool IsPointwise(in Window2D g) =>
        g.KernelH == 1 && g.KernelW == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadTop == 0 && g.PadLeft == 0
        && g.OutH == g.Height && g.OutW == g.Width;

    /// <summary>Writes the im2col rows of images [first, first + count) into <paramref name="cols"/>.</summary>
    public static void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Window2D g, int first, int count)
    {
        fixed (float* px = x)
        fixed (float* pc = cols)
        {
            var body = new Im2ColBody(px, pc, g, first);
            int rows = count * g.OutPixels;
            CpuParallel.For(rows, Math.Max(1, 16384 / Math.Max(1, g.PatchSize)), ref body);
        }
    }

    /// <summary>Overwrites the gradients of images [first, first + count) in <paramref name="dx"/> with the sum of their im2col rows in <paramref name="cols"/>.</summary>
    public static void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, in Window2D g, int first, int count)
    {
        fixed (float* pc = cols)
        fixed (float* px = dx)
        {
            var body = new Col2ImBody(pc, px, g, first);
            CpuParallel.For(count, 1, ref body);
        }
    }

    private readonly struct Im2ColBody(float* x, float* cols, Window2D g, int first) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels;
            for (int r = start; r < end; r++)
            {
                int n = first + r / g.OutPixels;
                int p = r % g.OutPixels;
                int oh = p / g.OutW, ow = p % g.OutW;
                float* dst = cols + (long)r * g.PatchSize;
                float* image = x + (long)n * g.ImageSize;
                for (int ky = 0; ky < g.KernelH; ky++)
                {
                    int iy = oh * g.StrideH - g.PadTop + ky * g.DilationH;
                    for (int kx = 0; kx < g.KernelW; kx++, dst += c)
                    {
                        int ix = ow * g.StrideW - g.PadLeft + kx * g.DilationW;
                        if ((uint)iy < (uint)g.Height && (uint)ix < (uint)g.Width)
                        {
                            float* src = image + ((long)iy * g.Width + ix) * c;
                            if (c == 1)
                            {
                                *dst = *src;
                            }
                            else
                            {
                                Buffer.MemoryCopy(src, dst, c * sizeof(float), c * sizeof(float));
                            }
                        }
                        else
                        {
                            new Span<float>(dst, c).Clear();
                        }
                    }
                }
            }
        }
    }

    private readonly struct Col2ImBody(float* cols, float* dx, Window2D g, int first) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels;
            for (int i = start; i < end; i++)
            {
                float* image = dx + (long)(first + i) * g.ImageSize;
                new Span<float>(image, g.ImageSize).Clear();
                float* src = cols + (long)i * g.OutPixels * g.PatchSize;
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            int iy = oh * g.StrideH - g.PadTop + ky * g.DilationH;
                            for (int kx = 0; kx < g.KernelW; kx++, src += c)
                            {
                                int ix = ow * g.StrideW - g.PadLeft + kx * g.DilationW;
                                if ((uint)iy < (uint)g.Height && (uint)ix < (uint)g.Width)
                                {
                                    AddInto(src, image + ((long)iy * g.Width + ix) * c, c);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>dst[0..n) += src[0..n).</summary>
    internal static void AddInto(float* src, float* dst, int n)
    {
        int i = 0;
        int w = Vector<float>.Count;
        for (; i <= n - w; i += w)
        {
            Vector.Store(Vector.Load(dst + i) + Vector.Load(src + i), dst + i);
        }
        for (; i < n; i++)
        {
            dst[i] += src[i];
        }
    }
}
