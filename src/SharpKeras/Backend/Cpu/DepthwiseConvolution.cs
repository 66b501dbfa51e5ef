namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Depthwise 2-D convolution over NHWC images: each input channel c is convolved with its own
/// depthMultiplier kernels, giving output channels c * depthMultiplier + m. The kernel is
/// (kh, kw, channels, depthMultiplier). Forward splits output rows across threads, the input
/// gradient splits images, and the kernel gradient splits channels (each summed over the whole
/// batch in a fixed order).
/// </summary>
internal static unsafe class DepthwiseConvolution
{
    /// <summary>y = depthwise_conv(x, k).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> k, Span<float> y, in Window2D g, int multiplier)
    {
        fixed (float* px = x)
        fixed (float* pk = k)
        fixed (float* py = y)
        {
            var body = new ForwardBody(px, pk, py, g, multiplier);
            CpuParallel.For(g.Batch * g.OutPixels, (long)g.PatchSize * multiplier, ref body);
        }
    }

    /// <summary>dx from dy (overwritten).</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> k, Span<float> dx, in Window2D g, int multiplier)
    {
        fixed (float* pg = dy)
        fixed (float* pk = k)
        fixed (float* px = dx)
        {
            var body = new InputBody(pg, pk, px, g, multiplier);
            CpuParallel.For(g.Batch, (long)g.OutPixels * g.PatchSize * multiplier, ref body);
        }
    }

    /// <summary>dk from x and dy (overwritten).</summary>
    public static void BackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int multiplier)
    {
        fixed (float* px = x)
        fixed (float* pg = dy)
        fixed (float* pk = dk)
        {
            var body = new KernelBody(px, pg, pk, g, multiplier);
            CpuParallel.For(g.Channels, (long)g.Batch * g.OutPixels * g.KernelH * g.KernelW * multiplier, ref body);
        }
    }

    private readonly struct ForwardBody(float* x, float* k, float* y, Window2D g, int dm) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, oc = c * dm;
            for (int r = start; r < end; r++)
            {
                int n = r / g.OutPixels, p = r % g.OutPixels, oh = p / g.OutW, ow = p % g.OutW;
                float* yr = y + (long)r * oc;
                new Span<float>(yr, oc).Clear();
                for (int ky = 0; ky < g.KernelH; ky++)
                {
                    int iy = oh * g.StrideH - g.PadTop + ky * g.DilationH;
                    if ((uint)iy >= (uint)g.Height)
                    {
                        continue;
                    }
                    for (int kx = 0; kx < g.KernelW; kx++)
                    {
                        int ix = ow * g.StrideW - g.PadLeft + kx * g.DilationW;
                        if ((uint)ix >= (uint)g.Width)
                        {
                            continue;
                        }
                        float* xr = x + (((long)n * g.Height + iy) * g.Width + ix) * c;
                        float* kr = k + (long)(ky * g.KernelW + kx) * oc;
                        for (int j = 0; j < oc; j++)
                        {
                            yr[j] += xr[j / dm] * kr[j];
                        }
                    }
                }
            }
        }
    }

    private readonly struct InputBody(float* dy, float* k, float* dx, Window2D g, int dm) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, oc = c * dm;
            for (int n = start; n < end; n++)
            {
                float* image = dx + (long)n * g.ImageSize;
                new Span<float>(image, g.ImageSize).Clear();
                for (int p = 0; p < g.OutPixels; p++)
                {
                    int oh = p / g.OutW, ow = p % g.OutW;
                    float* gr = dy + ((long)n * g.OutPixels + p) * oc;
                    for (int ky = 0; ky < g.KernelH; ky++)
                    {
                        int iy = oh * g.StrideH - g.PadTop + ky * g.DilationH;
                        if ((uint)iy >= (uint)g.Height)
                        {
                            continue;
                        }
                        for (int kx = 0; kx < g.KernelW; kx++)
                        {
                            int ix = ow * g.StrideW - g.PadLeft + kx * g.DilationW;
                            if ((uint)ix >= (uint)g.Width)
                            {
                                continue;
                            }
                            float* xr = image + ((long)iy * g.Width + ix) * c;
                            float* kr = k + (long)(ky * g.KernelW + kx) * oc;
                            for (int j = 0; j < oc; j++)
                            {
                                xr[j / dm] += gr[j] * kr[j];
                            }
                        }
                    }
                }
            }
        }
    }

    private readonly struct KernelBody(float* x, float* dy, float* dk, Window2D g, int dm) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, oc = c * dm;
            for (int ky = 0; ky < g.KernelH; ky++)
            {
                for (int kx = 0; kx < g.KernelW; kx++)
                {
                    float* kr = dk + (long)(ky * g.KernelW + kx) * oc;
                    for (int j = start * dm; j < end * dm; j++)
                    {
                        kr[j] = 0f;
                    }
                    for (int n = 0; n < g.Batch; n++)
                    {
                        for (int p = 0; p < g.OutPixels; p++)
                        {
                            int oh = p / g.OutW, ow = p % g.OutW;
                            int iy = oh * g.StrideH - g.PadTop + ky * g.DilationH;
                            int ix = ow * g.StrideW - g.PadLeft + kx * g.DilationW;
                            if ((uint)iy >= (uint)g.Height || (uint)ix >= (uint)g.Width)
                            {
                                continue;
                            }
                            float* xr = x + (((long)n * g.Height + iy) * g.Width + ix) * c;
                            float* gr = dy + ((long)n * g.OutPixels + p) * oc;
                            for (int j = start * dm; j < end * dm; j++)
                            {
                                kr[j] += xr[j / dm] * gr[j];
                            }
                        }
                    }
                }
            }
        }
    }
}
