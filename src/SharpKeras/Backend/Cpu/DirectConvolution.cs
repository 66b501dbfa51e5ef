using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The convolution forward as a direct kernel over NHWC images: a register tile of six output
/// positions by two vectors of filters, whose left operand is broadcast straight from the six
/// windows in the image (a window tap's channels are contiguous), and whose right operand is the
/// kernel packed once per call into panels of that width. Nothing is gathered into A panels, which
/// for short patches (1 or 3 input channels: K = 9 or 27) cost as much as the products, and the
/// bias and activation are applied in registers before the one store. Each output is one fused
/// multiply-add chain over the patch in (tap, channel) order, so results do not depend on the
/// thread count or on how the patch is blocked for the caches.
/// </summary>
internal static unsafe class DirectConvolution
{
    /// <summary>Output positions per register tile.</summary>
    private const int MR = 6;

    /// <summary>Floats of one kernel panel's block kept in L1 (32 KiB) while every tile of an image adds its taps.</summary>
    private const int PanelBlockFloats = 8192;

    [ThreadStatic] private static float[]? t_panels;
    [ThreadStatic] private static float[]? t_bias;
    [ThreadStatic] private static float[]? t_padded;
    [ThreadStatic] private static int[]? t_offsets;

    /// <summary>Filters per panel (two vectors) of the kernel of <paramref name="level"/>.</summary>
    internal static int PanelWidth(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => 32,
        SimdLevel.Vector256 => 16,
        SimdLevel.Vector128 => 8,
        _ => 4,
    };

    /// <summary>The level whose panel wastes least on padding: 32 filters fill a 32-wide panel, 10 a 16-wide one better than a 32-wide one.</summary>
    internal static SimdLevel Narrowest(SimdLevel level, int filters)
    {
        while (level > SimdLevel.Vector128 && filters <= PanelWidth(level) / 2)
        {
            level--;
        }
        return level;
    }

    /// <summary>The kernel [patch, filters] packed into panels for products at <paramref name="level"/>, kept by the caller (Predict keeps it between calls).</summary>
    public static ConvPanels Pack(SimdLevel level, ReadOnlySpan<float> kernel, int patch, int filters)
    {
        if (level > Gemm.Best)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"This CPU accelerates at most {Gemm.Best}.");
        }
        if (patch <= 0 || filters <= 0 || kernel.Length < (long)patch * filters)
        {
            throw new ArgumentException($"Internal error: cannot pack a {patch}x{filters} convolution kernel from {kernel.Length} floats.");
        }
        var tileLevel = Narrowest(level, filters);
        var p = new ConvPanels(level, tileLevel, patch, filters, PanelWidth(tileLevel));
        fixed (float* pk = kernel)
        fixed (float* dst = p.Data)
        {
            PackInto(pk, patch, filters, p.NR, dst);
        }
        return p;
    }

    /// <summary>Panel j gets filters [j*nr, j*nr + nr) of every patch row, [patch][nr], zero beyond the filters.</summary>
    private static void PackInto(float* kernel, int patch, int filters, int nr, float* dst)
    {
        int panels = (filters + nr - 1) / nr;
        for (int j = 0; j < panels; j++)
        {
            int f0 = j * nr, cols = Math.Min(nr, filters - f0);
            for (int p = 0; p < patch; p++)
            {
                float* src = kernel + (long)p * filters + f0;
                Buffer.MemoryCopy(src, dst, cols * sizeof(float), cols * sizeof(float));
                for (int q = cols; q < nr; q++)
                {
                    dst[q] = 0f;
                }
                dst += nr;
            }
        }
    }

    /// <summary>y (batch, outH, outW, filters) = activation(bias + the windows of x times kernel (kh, kw, in, filters)); overwrites y. The kernel is packed for this call.</summary>
    public static void Forward(SimdLevel level, float* x, float* kernel, float* bias, EpilogueActivation activation, float* y, in Window2D g, int filters)
    {
        level = Narrowest(level, filters);
        int nr = PanelWidth(level);
        int panels = (filters + nr - 1) / nr;
        var buffer = ThreadScratch.AtLeast(ref t_panels, panels * g.PatchSize * nr);
        fixed (float* pp = buffer)
        {
            PackInto(kernel, g.PatchSize, filters, nr, pp);
            Run(level, pp, x, bias, activation, y, g, filters);
        }
    }

    /// <summary>As <see cref="Forward(SimdLevel, float*, float*, float*, EpilogueActivation, float*, in Window2D, int)"/> with the kernel packed by <see cref="Pack"/>: the same floats.</summary>
    public static void Forward(ConvPanels kernel, float* x, float* bias, EpilogueActivation activation, float* y, in Window2D g, int filters)
    {
        if (kernel.K != g.PatchSize || kernel.N != filters)
        {
            throw new ArgumentException($"Internal error: a {kernel.K}x{kernel.N} packed convolution kernel used for {g} with {filters} filters.");
        }
        fixed (float* pp = kernel.Data)
        {
            Run(kernel.TileLevel, pp, x, bias, activation, y, g, filters);
        }
    }

    /// <summary>The convolution over packed panels on the tiles of <paramref name="level"/> (already narrowed for the filters).</summary>
    private static void Run(SimdLevel level, float* panels, float* x, float* bias, EpilogueActivation activation, float* y, in Window2D g, int filters)
    {
        int nr = PanelWidth(level);
        int padded = (filters + nr - 1) / nr * nr;
        var biasBuffer = bias is null ? null : PaddedBias(bias, filters, padded);
        fixed (float* pb = biasBuffer)
        {
            int tiles = (g.OutPixels + MR - 1) / MR;
            var body = new Body(x, panels, pb, activation, y, g, filters, level);
            CpuParallel.For(g.Batch * tiles, (long)MR * g.PatchSize * padded / GemmSmallRows.MacsPerElement, ref body);
        }
    }

    /// <summary>
    /// The bias (zeros when <paramref name="bias"/> is null) padded with zeros to <paramref name="padded"/> filters, whole
    /// panels, so that a tile adds it with full-width loads; in the calling thread's scratch, valid until its next call.
    /// </summary>
    internal static float[] PaddedBias(float* bias, int filters, int padded)
    {
        var buffer = ThreadScratch.AtLeast(ref t_bias, padded);
        for (int q = 0; q < padded; q++)
        {
            buffer[q] = bias is not null && q < filters ? bias[q] : 0f;
        }
        return buffer;
    }

    /// <summary>Whether a window of <paramref name="g"/> reaches outside the image (then images are copied into a zero-bordered scratch first).</summary>
    internal static bool NeedsPadding(in Window2D g) =>
        g.PadTop > 0 || g.PadLeft > 0
        || (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH - g.PadTop >= g.Height
        || (g.OutW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW - g.PadLeft >= g.Width;

    /// <summary>Height and width of an image's zero-bordered copy (<see cref="CopyPadded"/>) that holds every window of <paramref name="g"/>; the image's own size when none reaches outside.</summary>
    internal static (int Height, int Width) PaddedExtent(in Window2D g) => NeedsPadding(g)
        ? (Math.Max(g.Height + g.PadTop, (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1),
           Math.Max(g.Width + g.PadLeft, (g.OutW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1))
        : (g.Height, g.Width);

    private readonly struct Body(float* x, float* panels, float* bias, EpilogueActivation activation, float* y, Window2D g, int filters, SimdLevel level) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, k = g.PatchSize, nr = PanelWidth(level);
            int tiles = (g.OutPixels + MR - 1) / MR;
            int panelCount = (filters + nr - 1) / nr;
            bool pad = NeedsPadding(g);
            var (hp, wp) = PaddedExtent(g);
            int taps = g.KernelH * g.KernelW;
            var offsetBuffer = ThreadScratch.AtLeast(ref t_offsets, taps);
            var paddedBuffer = pad ? ThreadScratch.AtLeast(ref t_padded, hp * wp * c) : null;
            // Patch blocks of whole taps, balanced, each block's panel slice near PanelBlockFloats.
            int tapsPerBlock = Math.Max(1, PanelBlockFloats / nr / Math.Max(1, c));
            int blocks = (taps + tapsPerBlock - 1) / tapsPerBlock;
            tapsPerBlock = (taps + blocks - 1) / blocks;
            bool fuseRelu = activation == EpilogueActivation.Relu;
            bool inRegisters = fuseRelu || activation == EpilogueActivation.None;
            float** rows = stackalloc float*[MR];
            float* tile = stackalloc float[MR * 32];
            fixed (int* offsets = offsetBuffer)
            fixed (float* scratch = paddedBuffer)
            {
                for (int t = 0; t < taps; t++)
                {
                    int ky = t / g.KernelW, kx = t - ky * g.KernelW;
                    offsets[t] = (ky * g.DilationH * wp + kx * g.DilationW) * c;
                }
                int u = start;
                while (u < end)
                {
                    int n = u / tiles;
                    int t0 = u - n * tiles, t1 = Math.Min(tiles, t0 + (end - u));
                    u += t1 - t0;
                    float* image = x + (long)n * g.ImageSize;
                    if (pad)
                    {
                        CopyPadded(image, scratch, g, hp, wp);
                        image = scratch;
                    }
                    float* yImage = y + (long)n * g.OutPixels * filters;
                    for (int j = 0; j < panelCount; j++)
                    {
                        int f0 = j * nr, cols = Math.Min(nr, filters - f0);
                        float* panel = panels + (long)j * k * nr;
                        float* pbias = bias is null ? null : bias + f0;
                        for (int tb = 0; tb < taps; tb += tapsPerBlock)
                        {
                            int tapEnd = Math.Min(taps, tb + tapsPerBlock);
                            bool first = tb == 0, last = tapEnd == taps;
                            float* bp = panel + (long)tb * c * nr;
                            for (int ti = t0; ti < t1; ti++)
                            {
                                int pix0 = ti * MR, mr = Math.Min(MR, g.OutPixels - pix0);
                                // One division per tile, then the positions walked along the output rows
                                // (a short patch has fewer multiply-adds per tile than six divisions cost).
                                int oy = pix0 / g.OutW, ox = pix0 - oy * g.OutW;
                                for (int r = 0; r < MR; r++)
                                {
                                    // Rows past the image's last position repeat it; their results are not stored.
                                    rows[r] = image + ((long)oy * g.StrideH * wp + (long)ox * g.StrideW) * c;
                                    if (r + 1 < mr && ++ox == g.OutW)
                                    {
                                        ox = 0;
                                        oy++;
                                    }
                                }
                                float* dst = yImage + (long)pix0 * filters + f0;
                                bool direct = mr == MR && cols == nr;
                                float* target = direct ? dst : tile;
                                int ld = direct ? filters : nr;
                                if (!direct && !first)
                                {
                                    for (int r = 0; r < MR; r++)
                                    {
                                        for (int q = 0; q < nr; q++)
                                        {
                                            tile[r * nr + q] = r < mr && q < cols ? dst[(long)r * filters + q] : 0f;
                                        }
                                    }
                                }
                                Tile(level, rows, offsets + tb, tapEnd - tb, c, bp, target, ld, !first,
                                    last ? pbias : null, last && fuseRelu);
                                if (!direct)
                                {
                                    for (int r = 0; r < mr; r++)
                                    {
                                        for (int q = 0; q < cols; q++)
                                        {
                                            dst[(long)r * filters + q] = tile[r * nr + q];
                                        }
                                    }
                                }
                                if (last && !inRegisters)
                                {
                                    for (int r = 0; r < mr; r++)
                                    {
                                        Activate(activation, new Span<float>(dst + (long)r * filters, cols));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>An activation the tile cannot apply in registers, on a finished row of outputs (as the GEMM's epilogue applies it).</summary>
    internal static void Activate(EpilogueActivation activation, Span<float> row)
    {
        switch (activation)
        {
            case EpilogueActivation.Sigmoid: Elementwise.Unary<SigmoidOp>(row, row); break;
            case EpilogueActivation.Tanh: Elementwise.Unary<TanhOp>(row, row); break;
            default: ActivationKernels.Epilogue(activation, row); break;
        }
    }

    /// <summary>Copies one image into <paramref name="dst"/> [hp][wp][c] at (PadTop, PadLeft), zero elsewhere.</summary>
    internal static void CopyPadded(float* image, float* dst, in Window2D g, int hp, int wp)
    {
        int c = g.Channels;
        new Span<float>(dst, hp * wp * c).Clear();
        int rowFloats = g.Width * c;
        for (int iy = 0; iy < g.Height; iy++)
        {
            float* d = dst + ((long)(iy + g.PadTop) * wp + g.PadLeft) * c;
            Buffer.MemoryCopy(image + (long)iy * rowFloats, d, rowFloats * sizeof(float), rowFloats * sizeof(float));
        }
    }

    /// <summary>One register tile on the kernel of <paramref name="level"/>.</summary>
    internal static void Tile(SimdLevel level, float** rows, int* offsets, int taps, int c, float* b, float* dst, int ld, bool accumulate, float* bias, bool relu)
    {
        switch (level)
        {
            case SimdLevel.Vector512: TileV512(rows, offsets, taps, c, b, dst, ld, accumulate, bias, relu); break;
            case SimdLevel.Vector256: TileV256(rows, offsets, taps, c, b, dst, ld, accumulate, bias, relu); break;
            case SimdLevel.Vector128: TileV128(rows, offsets, taps, c, b, dst, ld, accumulate, bias, relu); break;
            default: TileScalar(rows, offsets, taps, c, b, dst, ld, accumulate, bias, relu); break;
        }
    }

    /// <summary>
    /// dst[6][32] (rows ld apart) = (dst when accumulating) + the six windows' taps times the panel
    /// [taps*c][32], then + bias and max(., 0) when asked; each lane one fused chain.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileV512(float** rows, int* offsets, int taps, int c, float* b, float* dst, int ld, bool accumulate, float* bias, bool relu)
    {
        float* d0 = dst, d1 = d0 + ld, d2 = d1 + ld, d3 = d2 + ld, d4 = d3 + ld, d5 = d4 + ld;
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            c00 = Vector512.Load(d0); c01 = Vector512.Load(d0 + 16);
            c10 = Vector512.Load(d1); c11 = Vector512.Load(d1 + 16);
            c20 = Vector512.Load(d2); c21 = Vector512.Load(d2 + 16);
            c30 = Vector512.Load(d3); c31 = Vector512.Load(d3 + 16);
            c40 = Vector512.Load(d4); c41 = Vector512.Load(d4 + 16);
            c50 = Vector512.Load(d5); c51 = Vector512.Load(d5 + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector512<float>.Zero;
        }
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
        for (int t = 0; t < taps; t++)
        {
            int o = offsets[t];
            float* a0 = r0 + o, a1 = r1 + o, a2 = r2 + o, a3 = r3 + o, a4 = r4 + o, a5 = r5 + o;
            for (int ch = 0; ch < c; ch++)
            {
                var b0 = Vector512.Load(b);
                var b1 = Vector512.Load(b + 16);
                var a = Vector512.Create(a0[ch]);
                c00 = Vector512.FusedMultiplyAdd(a, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
                a = Vector512.Create(a1[ch]);
                c10 = Vector512.FusedMultiplyAdd(a, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
                a = Vector512.Create(a2[ch]);
                c20 = Vector512.FusedMultiplyAdd(a, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
                a = Vector512.Create(a3[ch]);
                c30 = Vector512.FusedMultiplyAdd(a, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
                a = Vector512.Create(a4[ch]);
                c40 = Vector512.FusedMultiplyAdd(a, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
                a = Vector512.Create(a5[ch]);
                c50 = Vector512.FusedMultiplyAdd(a, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
                b += 32;
            }
        }
        if (bias is not null)
        {
            var e0 = Vector512.Load(bias);
            var e1 = Vector512.Load(bias + 16);
            c00 += e0; c01 += e1; c10 += e0; c11 += e1; c20 += e0; c21 += e1;
            c30 += e0; c31 += e1; c40 += e0; c41 += e1; c50 += e0; c51 += e1;
        }
        if (relu)
        {
            var z = Vector512<float>.Zero;
            c00 = Vector512.Max(c00, z); c01 = Vector512.Max(c01, z); c10 = Vector512.Max(c10, z); c11 = Vector512.Max(c11, z);
            c20 = Vector512.Max(c20, z); c21 = Vector512.Max(c21, z); c30 = Vector512.Max(c30, z); c31 = Vector512.Max(c31, z);
            c40 = Vector512.Max(c40, z); c41 = Vector512.Max(c41, z); c50 = Vector512.Max(c50, z); c51 = Vector512.Max(c51, z);
        }
        c00.Store(d0); c01.Store(d0 + 16);
        c10.Store(d1); c11.Store(d1 + 16);
        c20.Store(d2); c21.Store(d2 + 16);
        c30.Store(d3); c31.Store(d3 + 16);
        c40.Store(d4); c41.Store(d4 + 16);
        c50.Store(d5); c51.Store(d5 + 16);
    }

    /// <summary><see cref="TileV512"/> for a 16-wide panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileV256(float** rows, int* offsets, int taps, int c, float* b, float* dst, int ld, bool accumulate, float* bias, bool relu)
    {
        float* d0 = dst, d1 = d0 + ld, d2 = d1 + ld, d3 = d2 + ld, d4 = d3 + ld, d5 = d4 + ld;
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            c00 = Vector256.Load(d0); c01 = Vector256.Load(d0 + 8);
            c10 = Vector256.Load(d1); c11 = Vector256.Load(d1 + 8);
            c20 = Vector256.Load(d2); c21 = Vector256.Load(d2 + 8);
            c30 = Vector256.Load(d3); c31 = Vector256.Load(d3 + 8);
            c40 = Vector256.Load(d4); c41 = Vector256.Load(d4 + 8);
            c50 = Vector256.Load(d5); c51 = Vector256.Load(d5 + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
        for (int t = 0; t < taps; t++)
        {
            int o = offsets[t];
            float* a0 = r0 + o, a1 = r1 + o, a2 = r2 + o, a3 = r3 + o, a4 = r4 + o, a5 = r5 + o;
            for (int ch = 0; ch < c; ch++)
            {
                var b0 = Vector256.Load(b);
                var b1 = Vector256.Load(b + 8);
                var a = Vector256.Create(a0[ch]);
                c00 = Vector256.FusedMultiplyAdd(a, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(a, b1, c01);
                a = Vector256.Create(a1[ch]);
                c10 = Vector256.FusedMultiplyAdd(a, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(a, b1, c11);
                a = Vector256.Create(a2[ch]);
                c20 = Vector256.FusedMultiplyAdd(a, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(a, b1, c21);
                a = Vector256.Create(a3[ch]);
                c30 = Vector256.FusedMultiplyAdd(a, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(a, b1, c31);
                a = Vector256.Create(a4[ch]);
                c40 = Vector256.FusedMultiplyAdd(a, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(a, b1, c41);
                a = Vector256.Create(a5[ch]);
                c50 = Vector256.FusedMultiplyAdd(a, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(a, b1, c51);
                b += 16;
            }
        }
        if (bias is not null)
        {
            var e0 = Vector256.Load(bias);
            var e1 = Vector256.Load(bias + 8);
            c00 += e0; c01 += e1; c10 += e0; c11 += e1; c20 += e0; c21 += e1;
            c30 += e0; c31 += e1; c40 += e0; c41 += e1; c50 += e0; c51 += e1;
        }
        if (relu)
        {
            var z = Vector256<float>.Zero;
            c00 = Vector256.Max(c00, z); c01 = Vector256.Max(c01, z); c10 = Vector256.Max(c10, z); c11 = Vector256.Max(c11, z);
            c20 = Vector256.Max(c20, z); c21 = Vector256.Max(c21, z); c30 = Vector256.Max(c30, z); c31 = Vector256.Max(c31, z);
            c40 = Vector256.Max(c40, z); c41 = Vector256.Max(c41, z); c50 = Vector256.Max(c50, z); c51 = Vector256.Max(c51, z);
        }
        c00.Store(d0); c01.Store(d0 + 8);
        c10.Store(d1); c11.Store(d1 + 8);
        c20.Store(d2); c21.Store(d2 + 8);
        c30.Store(d3); c31.Store(d3 + 8);
        c40.Store(d4); c41.Store(d4 + 8);
        c50.Store(d5); c51.Store(d5 + 8);
    }

    /// <summary><see cref="TileV512"/> for an 8-wide panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileV128(float** rows, int* offsets, int taps, int c, float* b, float* dst, int ld, bool accumulate, float* bias, bool relu)
    {
        float* d0 = dst, d1 = d0 + ld, d2 = d1 + ld, d3 = d2 + ld, d4 = d3 + ld, d5 = d4 + ld;
        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            c00 = Vector128.Load(d0); c01 = Vector128.Load(d0 + 4);
            c10 = Vector128.Load(d1); c11 = Vector128.Load(d1 + 4);
            c20 = Vector128.Load(d2); c21 = Vector128.Load(d2 + 4);
            c30 = Vector128.Load(d3); c31 = Vector128.Load(d3 + 4);
            c40 = Vector128.Load(d4); c41 = Vector128.Load(d4 + 4);
            c50 = Vector128.Load(d5); c51 = Vector128.Load(d5 + 4);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector128<float>.Zero;
        }
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
        for (int t = 0; t < taps; t++)
        {
            int o = offsets[t];
            float* a0 = r0 + o, a1 = r1 + o, a2 = r2 + o, a3 = r3 + o, a4 = r4 + o, a5 = r5 + o;
            for (int ch = 0; ch < c; ch++)
            {
                var b0 = Vector128.Load(b);
                var b1 = Vector128.Load(b + 4);
                var a = Vector128.Create(a0[ch]);
                c00 = Vector128.FusedMultiplyAdd(a, b0, c00);
                c01 = Vector128.FusedMultiplyAdd(a, b1, c01);
                a = Vector128.Create(a1[ch]);
                c10 = Vector128.FusedMultiplyAdd(a, b0, c10);
                c11 = Vector128.FusedMultiplyAdd(a, b1, c11);
                a = Vector128.Create(a2[ch]);
                c20 = Vector128.FusedMultiplyAdd(a, b0, c20);
                c21 = Vector128.FusedMultiplyAdd(a, b1, c21);
                a = Vector128.Create(a3[ch]);
                c30 = Vector128.FusedMultiplyAdd(a, b0, c30);
                c31 = Vector128.FusedMultiplyAdd(a, b1, c31);
                a = Vector128.Create(a4[ch]);
                c40 = Vector128.FusedMultiplyAdd(a, b0, c40);
                c41 = Vector128.FusedMultiplyAdd(a, b1, c41);
                a = Vector128.Create(a5[ch]);
                c50 = Vector128.FusedMultiplyAdd(a, b0, c50);
                c51 = Vector128.FusedMultiplyAdd(a, b1, c51);
                b += 8;
            }
        }
        if (bias is not null)
        {
            var e0 = Vector128.Load(bias);
            var e1 = Vector128.Load(bias + 4);
            c00 += e0; c01 += e1; c10 += e0; c11 += e1; c20 += e0; c21 += e1;
            c30 += e0; c31 += e1; c40 += e0; c41 += e1; c50 += e0; c51 += e1;
        }
        if (relu)
        {
            var z = Vector128<float>.Zero;
            c00 = Vector128.Max(c00, z); c01 = Vector128.Max(c01, z); c10 = Vector128.Max(c10, z); c11 = Vector128.Max(c11, z);
            c20 = Vector128.Max(c20, z); c21 = Vector128.Max(c21, z); c30 = Vector128.Max(c30, z); c31 = Vector128.Max(c31, z);
            c40 = Vector128.Max(c40, z); c41 = Vector128.Max(c41, z); c50 = Vector128.Max(c50, z); c51 = Vector128.Max(c51, z);
        }
        c00.Store(d0); c01.Store(d0 + 4);
        c10.Store(d1); c11.Store(d1 + 4);
        c20.Store(d2); c21.Store(d2 + 4);
        c30.Store(d3); c31.Store(d3 + 4);
        c40.Store(d4); c41.Store(d4 + 4);
        c50.Store(d5); c51.Store(d5 + 4);
    }

    /// <summary><see cref="TileV512"/> for a 4-wide panel, one scalar fused chain per output.</summary>
    private static void TileScalar(float** rows, int* offsets, int taps, int c, float* b, float* dst, int ld, bool accumulate, float* bias, bool relu)
    {
        const int nr = 4;
        for (int r = 0; r < MR; r++)
        {
            float* d = dst + (long)r * ld;
            for (int q = 0; q < nr; q++)
            {
                float s = accumulate ? d[q] : 0f;
                float* bq = b + q;
                for (int t = 0; t < taps; t++)
                {
                    float* a = rows[r] + offsets[t];
                    for (int ch = 0; ch < c; ch++)
                    {
                        s = MathF.FusedMultiplyAdd(a[ch], *bq, s);
                        bq += nr;
                    }
                }
                if (bias is not null)
                {
                    s += bias[q];
                }
                d[q] = relu ? MathF.Max(s, 0f) : s;
            }
        }
    }
}
