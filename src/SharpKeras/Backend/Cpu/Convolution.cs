using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Convolution lowered to the packed matrix multiply: im2col copies the windows of a few images
/// into a bounded scratch matrix (one row per output position, one column per kernel tap and input
/// channel) and col2im adds such a matrix back into image gradients.
/// </summary>
internal static unsafe class Convolution
{
    /// <summary>Writes the im2col rows of images [first, first + count) into <paramref name="cols"/>.</summary>
    public static void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Window2D g, int first, int count)
    {
        fixed (float* px = x)
        fixed (float* pc = cols)
        {
            var body = new Im2ColBody(px, pc, g, first);
            int rows = count * g.OutPixels;
            CpuParallel.For(rows, g.PatchSize, ref body);
        }
    }

    /// <summary>Overwrites the gradients of images [first, first + count) in <paramref name="dx"/> with the sum of their im2col rows in <paramref name="cols"/>.</summary>
    public static void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, in Window2D g, int first, int count)
    {
        fixed (float* pc = cols)
        fixed (float* px = dx)
        {
            var body = new Col2ImBody(pc, px, g, first);
            CpuParallel.For(count, (long)g.OutPixels * g.PatchSize, ref body);
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
