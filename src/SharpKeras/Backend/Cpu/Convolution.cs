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

    /// <summary>
    /// y = im2col(x) K, plus the bias and activation as each block is stored. Each thread lowers
    /// <see cref="BlockRows"/> rows of the column matrix at a time into its own scratch and
    /// multiplies them there, so the lowered windows are read back from L2 instead of memory.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, Span<float> y, ReadOnlySpan<float> bias,
        EpilogueActivation activation, in Window2D g, int cout)
    {
        fixed (float* px = x)
        fixed (float* pk = kernel)
        fixed (float* py = y)
        fixed (float* pb = bias)
        {
            var body = new ForwardBody(px, pk, py, bias.IsEmpty ? null : pb, cout, activation, g);
            CpuParallel.For(g.Batch * g.OutPixels, BlockRows(g), ref body);
        }
    }

    /// <summary>
    /// Overwrites dx with col2im(dY K^T): each thread takes whole images (so no two threads add into
    /// the same pixel) and forms their column gradients a block of rows at a time, as <see cref="Forward"/>.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int cout)
    {
        fixed (float* pg = dy)
        fixed (float* pk = kernel)
        fixed (float* px = dx)
        {
            var body = new BackwardInputBody(pg, pk, px, cout, g);
            CpuParallel.For(g.Batch, 1, ref body);
        }
    }

    /// <summary>Rows of the column matrix lowered at a time: about 128 KB of them, a whole number of micro-kernel rows.</summary>
    private static int BlockRows(in Window2D g) => Math.Max(6, (1 << 15) / Math.Max(1, g.PatchSize) / 6 * 6);

    [ThreadStatic] private static float[]? t_block;

    /// <summary>This thread's block scratch, grown on first use and kept, so steps after warm-up allocate nothing.</summary>
    private static float[] Block(in Window2D g)
    {
        int floats = BlockRows(g) * g.PatchSize;
        return t_block is { } b && b.Length >= floats ? b : (t_block = new float[floats]);
    }

    /// <summary>Writes rows [row0, row1) of the batch's im2col matrix (row = image * OutPixels + position) to <paramref name="dst"/>.</summary>
    private static void Im2ColRows(float* x, float* dst, in Window2D g, int row0, int row1)
    {
        int c = g.Channels;
        for (int r = row0; r < row1; r++)
        {
            int n = r / g.OutPixels;
            int p = r % g.OutPixels;
            int oh = p / g.OutW, ow = p % g.OutW;
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

    /// <summary>Adds rows [row0, row1) of an im2col matrix (starting at <paramref name="src"/>) back into the images' pixels in <paramref name="dx"/>.</summary>
    private static void Col2ImRowsAdd(float* src, float* dx, in Window2D g, int row0, int row1)
    {
        int c = g.Channels;
        for (int r = row0; r < row1; r++)
        {
            int n = r / g.OutPixels;
            int p = r % g.OutPixels;
            int oh = p / g.OutW, ow = p % g.OutW;
            float* image = dx + (long)n * g.ImageSize;
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

    private readonly struct Im2ColBody(float* x, float* cols, Window2D g, int first) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int row0 = first * g.OutPixels;
            Im2ColRows(x, cols + (long)start * g.PatchSize, g, row0 + start, row0 + end);
        }
    }

    private readonly struct Col2ImBody(float* cols, float* dx, Window2D g, int first) : IRangeBody
    {
        public void Run(int start, int end)
        {
            new Span<float>(dx + (long)(first + start) * g.ImageSize, (end - start) * g.ImageSize).Clear();
            int row0 = first * g.OutPixels;
            Col2ImRowsAdd(cols + (long)start * g.OutPixels * g.PatchSize, dx, g, row0 + start * g.OutPixels, row0 + end * g.OutPixels);
        }
    }

    private readonly struct ForwardBody(float* x, float* kernel, float* y, float* bias, int cout, EpilogueActivation activation, Window2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int step = BlockRows(g), patch = g.PatchSize;
            var k = new ReadOnlySpan<float>(kernel, patch * cout);
            var b = bias is null ? default : new ReadOnlySpan<float>(bias, cout);
            fixed (float* cols = Block(g))
            {
                for (int r0 = start; r0 < end; r0 += step)
                {
                    int rows = Math.Min(step, end - r0);
                    Im2ColRows(x, cols, g, r0, r0 + rows);
                    Gemm.Multiply(new ReadOnlySpan<float>(cols, rows * patch), k, new Span<float>(y + (long)r0 * cout, rows * cout),
                        rows, cout, patch, false, false, false, b, activation);
                }
            }
        }
    }

    private readonly struct BackwardInputBody(float* dy, float* kernel, float* dx, int cout, Window2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            new Span<float>(dx + (long)start * g.ImageSize, (end - start) * g.ImageSize).Clear();
            int step = BlockRows(g), patch = g.PatchSize;
            var k = new ReadOnlySpan<float>(kernel, patch * cout);
            int last = end * g.OutPixels;
            fixed (float* cols = Block(g))
            {
                for (int r0 = start * g.OutPixels; r0 < last; r0 += step)
                {
                    int rows = Math.Min(step, last - r0);
                    Gemm.Multiply(new ReadOnlySpan<float>(dy + (long)r0 * cout, rows * cout), k, new Span<float>(cols, rows * patch),
                        rows, patch, cout, false, transB: true, accumulate: false);
                    Col2ImRowsAdd(cols, dx, g, r0, r0 + rows);
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
