namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The input gradient of a stride-1 convolution as a direct convolution: dX is the "full"
/// correlation of dY with the kernel mirrored in both spatial axes and transposed per tap
/// (in and filters swapped), which is a forward convolution of dY with padding
/// (kernel - 1) * dilation - pad before each axis. So it runs on <see cref="DirectConvolution"/>'s
/// register tiles, reading dY's windows in place, instead of packing those windows into GEMM
/// panels (the packing cost about as much as the products at 32 and 64 channels). Every dX value
/// is one fused multiply-add chain over (tap, filter), so the bits do not depend on the thread count.
/// </summary>
internal static unsafe class DirectInputGradient
{
    [ThreadStatic] private static float[]? t_mirrored;

    /// <summary>True when <see cref="Run"/> takes the input gradient of geometry <paramref name="g"/>: stride 1, a real window, padding no wider than the window.</summary>
    public static bool Takes(in Window2D g) =>
        g.StrideH == 1 && g.StrideW == 1 && !g.IsPointwise
        && g.PadTop <= (g.KernelH - 1) * g.DilationH && g.PadLeft <= (g.KernelW - 1) * g.DilationW;

    /// <summary>The forward geometry over dY that yields dX of <paramref name="g"/> (dY's filters are its channels).</summary>
    public static Window2D Mirror(in Window2D g, int filters) =>
        new(g.Batch, g.OutH, g.OutW, filters, g.KernelH, g.KernelW, 1, 1, g.DilationH, g.DilationW,
            (g.KernelH - 1) * g.DilationH - g.PadTop, (g.KernelW - 1) * g.DilationW - g.PadLeft, g.Height, g.Width);

    /// <summary>dx (batch, h, w, in) = the adjoint of the windows applied to dY kernel^T, overwritten, on the tiles of <paramref name="level"/>.</summary>
    public static void Run(SimdLevel level, float* dy, ReadOnlySpan<float> kernel, float* dx, in Window2D g, int filters)
    {
        if (!Takes(g))
        {
            throw new ArgumentException($"Internal error: the direct input gradient does not take {g}.");
        }
        if (level > Gemm.Best)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"This CPU accelerates at most {Gemm.Best}.");
        }
        int kh = g.KernelH, kw = g.KernelW, cin = g.Channels, taps = kh * kw;
        // mirrored[(ky, kx), f, c] = kernel[(kh - 1 - ky, kw - 1 - kx), c, f]: a few KiB per call.
        var mirrored = ThreadScratch.AtLeast(ref t_mirrored, taps * filters * cin);
        for (int t = 0; t < taps; t++)
        {
            int ky = t / kw, kx = t - ky * kw;
            int source = (kh - 1 - ky) * kw + (kw - 1 - kx);
            var src = kernel.Slice(source * cin * filters, cin * filters);
            var dst = mirrored.AsSpan(t * filters * cin, filters * cin);
            for (int c = 0; c < cin; c++)
            {
                for (int f = 0; f < filters; f++)
                {
                    dst[f * cin + c] = src[c * filters + f];
                }
            }
        }
        var mirror = Mirror(g, filters);
        fixed (float* pk = mirrored)
        {
            // A 3x3 window over enough channels both ways runs as Winograd's F(2x2, 3x3), as the forward does.
            if (WinogradConvolution.Takes(mirror, cin))
            {
                WinogradConvolution.Forward(level, dy, pk, null, EpilogueActivation.None, dx, mirror, cin);
                return;
            }
            DirectConvolution.Forward(level, dy, pk, null, EpilogueActivation.None, dx, mirror, cin);
        }
    }
}
