namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Convolution as an implicit GEMM over NHWC images: the packed GEMM's A panels are filled straight
/// from the image's windows (one row per output position, one column per kernel tap and channel),
/// so the im2col matrix, several MiB per chunk of images that would be written and read back
/// through memory, never exists. The forward pass of a non-pointwise convolution hands over to
/// <see cref="DirectConvolution"/>, which reads the windows in place with no panels at all; so does the
/// kernel gradient, to <see cref="ConvolutionBackward"/> (at most 4 input channels) or
/// <see cref="ConvolutionKernelGradient"/>; the input gradient of a stride-1 convolution is a "full"
/// correlation of dY with the kernel mirrored and transposed per tap, run as a direct forward
/// convolution by <see cref="DirectInputGradient"/>. A strided input gradient has no such dense form (most taps would land between outputs), so it keeps the GEMM into a bounded scratch
/// and col2im. Threads split the GEMM as <see cref="Gemm"/> does, so results do not depend on them.
/// </summary>
internal static unsafe class ImplicitConvolution
{
    private const int MR = Gemm.MR;

    [ThreadStatic] private static float[]? t_zeros;
    [ThreadStatic] private static float[]? t_kernelT;
    [ThreadStatic] private static float[]? t_cols;

    /// <summary>y[n, oh, ow, :] = bias + sum of windows(x) times kernel (kh, kw, in, filters), then the activation.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters) =>
        Forward(Gemm.Level, x, kernel, bias, activation, y, g, filters);

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, EpilogueActivation, Span{float}, in Window2D, int)"/>
    /// with the kernel packed by <see cref="DirectConvolution.Pack"/> (not for pointwise convolutions, which are a plain GEMM): the same floats.
    /// </summary>
    public static void ForwardPacked(ReadOnlySpan<float> x, ConvPanels kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters)
    {
        Check(g, filters, x.Length, kernel.K * kernel.N, y.Length);
        if (!bias.IsEmpty && bias.Length != filters)
        {
            throw new ArgumentException($"Internal error: convolution bias has {bias.Length} values for {filters} filters.");
        }
        if (g.IsPointwise)
        {
            throw new ArgumentException($"Internal error: a packed convolution kernel used for {g}, which the direct kernel does not run.");
        }
        if (g.Batch * g.OutPixels == 0)
        {
            return;
        }
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (float* pbias = bias)
        {
            if (WinogradConvolution.Takes(g, filters))
            {
                WinogradConvolution.Forward(kernel, kernel.Winograd, px, bias.IsEmpty ? null : pbias, activation, py, g, filters);
                return;
            }
            DirectConvolution.Forward(kernel, px, bias.IsEmpty ? null : pbias, activation, py, g, filters);
        }
    }

    /// <summary>dk (kh, kw, in, filters) = windows(x)^T dY.</summary>
    public static void BackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int filters) =>
        BackwardKernel(Gemm.Level, x, dy, dk, g, filters);

    /// <summary>dx = the adjoint of the windows applied to dY kernel^T (overwrites dx).</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int filters) =>
        BackwardInput(Gemm.Level, dy, kernel, dx, g, filters);

    /// <summary><see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, EpilogueActivation, Span{float}, in Window2D, int)"/> on the kernel of one SIMD level.</summary>
    internal static void Forward(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters)
    {
        Check(g, filters, x.Length, kernel.Length, y.Length);
        if (!bias.IsEmpty && bias.Length != filters)
        {
            throw new ArgumentException($"Internal error: convolution bias has {bias.Length} values for {filters} filters.");
        }
        int m = g.Batch * g.OutPixels;
        if (m == 0 || filters == 0)
        {
            return;
        }
        if (g.IsPointwise)
        {
            Gemm.Multiply(level, x, kernel, y, m, filters, g.Channels, false, false, false, bias, activation);
            return;
        }
        if (level > Gemm.Best)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"This CPU accelerates at most {Gemm.Best}.");
        }
        fixed (float* px = x)
        fixed (float* pk = kernel)
        fixed (float* py = y)
        fixed (float* pbias = bias)
        {
            // The windows are read in place by a direct kernel: packing them into A panels cost as much
            // as the products for short patches (K = 9 or 27 with 1 or 3 channels) and a third of them for K = 288.
            // 3x3 stride-1 windows over enough channels take Winograd's F(2x2, 3x3), 16 products per 4 outputs instead of 36.
            if (WinogradConvolution.Takes(g, filters))
            {
                WinogradConvolution.Forward(level, px, pk, bias.IsEmpty ? null : pbias, activation, py, g, filters);
                return;
            }
            DirectConvolution.Forward(level, px, pk, bias.IsEmpty ? null : pbias, activation, py, g, filters);
        }
    }

    /// <summary><see cref="BackwardKernel(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Window2D, int)"/> on the kernel of one SIMD level.</summary>
    internal static void BackwardKernel(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int filters)
    {
        Check(g, filters, x.Length, dk.Length, dy.Length);
        int k = g.Batch * g.OutPixels;
        if (k == 0)
        {
            dk[..(g.PatchSize * filters)].Clear();
            return;
        }
        if (g.IsPointwise)
        {
            Gemm.Multiply(level, x, dy, dk, g.Channels, filters, k, true, false, false, default, EpilogueActivation.None);
            return;
        }
        fixed (float* px = x)
        fixed (float* pdy = dy)
        fixed (float* pdk = dk)
        {
            if (ConvolutionBackward.TakesKernelGradient(g))
            {
                // A few input channels make a GEMM too shallow to pay for its packing (see ConvolutionBackward).
                ConvolutionBackward.KernelGradient(level, px, pdy, pdk, g, filters);
                return;
            }
            // More channels: register tiles of eight channels by two vectors of filters, no packing (see ConvolutionKernelGradient).
            ConvolutionKernelGradient.Run(level, px, pdy, pdk, g, filters);
        }
    }

    /// <summary><see cref="BackwardInput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Window2D, int)"/> on the kernel of one SIMD level.</summary>
    internal static void BackwardInput(SimdLevel level, ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int filters)
    {
        Check(g, filters, dx.Length, kernel.Length, dy.Length);
        int m = g.Batch * g.Height * g.Width;
        if (m == 0 || g.Channels == 0)
        {
            return;
        }
        if (filters == 0 || g.OutPixels == 0)
        {
            dx[..(g.Batch * g.ImageSize)].Clear();
            return;
        }
        if (g.IsPointwise)
        {
            Gemm.Multiply(level, dy, kernel, dx, m, g.Channels, filters, false, true, false, default, EpilogueActivation.None);
            return;
        }
        if (DirectInputGradient.Takes(g))
        {
            fixed (float* pdy = dy)
            fixed (float* pdx = dx)
            {
                // A forward convolution of dY with the mirrored kernel, on the direct kernel's register tiles.
                DirectInputGradient.Run(level, pdy, kernel, pdx, g, filters);
            }
            return;
        }
        if (g.StrideH == 1 && g.StrideW == 1)
        {
            // B[(tap, f), c] = kernel[tap, c, f]: each tap's (in, filters) block transposed, a few KiB.
            int taps = g.KernelH * g.KernelW, cin = g.Channels;
            var kt = ThreadScratch.AtLeast(ref t_kernelT, taps * filters * cin);
            for (int t = 0; t < taps; t++)
            {
                for (int f = 0; f < filters; f++)
                {
                    for (int c = 0; c < cin; c++)
                    {
                        kt[(t * filters + f) * cin + c] = kernel[(t * cin + c) * filters + f];
                    }
                }
            }
            fixed (float* pdy = dy)
            fixed (float* pkt = kt)
            fixed (float* pdx = dx)
            {
                // Input pixel (iy, ix) meets output (iy + padTop - ky * dh, ix + padLeft - kx * dw) at tap (ky, kx).
                var w = new Windows(pdy, g.OutH, g.OutW, filters, g.Height, g.Width, g.KernelW, 1, 1, g.PadTop, g.PadLeft, -g.DilationH, -g.DilationW);
                Gemm.MultiplyPacked(level, new WindowsA(w), pkt, pdx, m, cin, taps * filters, false, false, null, EpilogueActivation.None);
            }
            return;
        }
        int chunk = g.ImagesPerChunk;
        var cols = ThreadScratch.AtLeast(ref t_cols, chunk * g.OutPixels * g.PatchSize);
        for (int first = 0; first < g.Batch; first += chunk)
        {
            int count = Math.Min(chunk, g.Batch - first);
            int rows = count * g.OutPixels;
            Gemm.Multiply(level, dy.Slice(first * g.OutPixels * filters, rows * filters), kernel, cols.AsSpan(0, rows * g.PatchSize),
                rows, g.PatchSize, filters, false, true, false, default, EpilogueActivation.None);
            Convolution.Col2Im(cols, dx, g, first, count);
        }
    }

    private static void Check(in Window2D g, int filters, int imageLength, int kernelLength, int outputLength)
    {
        if (imageLength < (long)g.Batch * g.ImageSize || kernelLength < (long)g.PatchSize * filters || outputLength < (long)g.Batch * g.OutPixels * filters)
        {
            throw new ArgumentException($"Internal error: convolution buffers too small for {g} with {filters} filters (image {imageLength}, kernel {kernelLength}, output {outputLength}).");
        }
    }

    /// <summary>A thread's read-only run of zeros standing for the padding, at least <paramref name="n"/> long.</summary>
    private static float[] Zeros(int n) => t_zeros is { } z && z.Length >= n ? z : (t_zeros = new float[Math.Max(n, 256)]);

    /// <summary>
    /// The windows of a batch of NHWC source images as a matrix: row r is output position
    /// (n, oy, ox) of an OutH x OutW grid, column (tap, ch) with tap = ky * KernelW + kx reads source
    /// pixel (oy * StrideH + OffH + ky * StepH, ox * StrideW + OffW + kx * StepW), or zero outside.
    /// </summary>
    private readonly struct Windows(float* src, int srcH, int srcW, int channels, int outH, int outW, int kernelW,
        int strideH, int strideW, int offH, int offW, int stepH, int stepW)
    {
        public int Channels => channels;

        /// <summary>The source image of row <paramref name="row"/> and its window's origin.</summary>
        public float* Row(int row, out int by, out int bx)
        {
            int pixels = outH * outW;
            int n = row / pixels;
            int pix = row - n * pixels;
            int oy = pix / outW, ox = pix - oy * outW;
            by = oy * strideH + offH;
            bx = ox * strideW + offW;
            return src + (long)n * srcH * srcW * channels;
        }

        /// <summary>The source offsets (dy, dx) of tap <paramref name="tap"/> from a window's origin.</summary>
        public (int Dy, int Dx) Offsets(int tap)
        {
            int ky = tap / kernelW;
            return (ky * stepH, (tap - ky * kernelW) * stepW);
        }

        /// <summary>Channel <paramref name="ch"/> of source pixel (sy, sx), or <paramref name="zeros"/> outside the image.</summary>
        public float* At(float* image, int sy, int sx, int ch, float* zeros) =>
            (uint)sy < (uint)srcH && (uint)sx < (uint)srcW ? image + ((long)sy * srcW + sx) * channels + ch : zeros;
    }

    /// <summary>The windows as A: six output positions side by side, walked along their taps.</summary>
    private readonly struct WindowsA(Windows w) : IPanelSourceA
    {
        public void Pack(int ic, int mc, int pc, int kc, float* dst)
        {
            int c = w.Channels;
            fixed (float* zeros = Zeros(c))
            {
                float** image = stackalloc float*[MR];
                float** s = stackalloc float*[MR];
                int* by = stackalloc int[MR];
                int* bx = stackalloc int[MR];
                for (int ir = 0; ir < mc; ir += MR)
                {
                    int mr = Math.Min(MR, mc - ir);
                    for (int r = 0; r < MR; r++)
                    {
                        image[r] = r < mr ? w.Row(ic + ir + r, out by[r], out bx[r]) : null;
                    }
                    float* d = dst + ir * kc;
                    int q = pc, end = pc + kc, tap = pc / c, ch = pc - tap * c;
                    // A tap's channels are contiguous in every row's source pixel, so the six rows are
                    // copied side by side one tap-run at a time, as a stored A's rows would be.
                    while (q < end)
                    {
                        int run = Math.Min(c - ch, end - q);
                        var (oy, ox) = w.Offsets(tap);
                        for (int r = 0; r < MR; r++)
                        {
                            s[r] = image[r] is null ? zeros : w.At(image[r], by[r] + oy, bx[r] + ox, ch, zeros);
                        }
                        float* s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5];
                        for (int t = 0; t < run; t++)
                        {
                            d[0] = s0[t];
                            d[1] = s1[t];
                            d[2] = s2[t];
                            d[3] = s3[t];
                            d[4] = s4[t];
                            d[5] = s5[t];
                            d += MR;
                        }
                        q += run;
                        tap++;
                        ch = 0;
                    }
                }
            }
        }
    }
}
