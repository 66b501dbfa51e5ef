using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The forward of a 3x3, stride-1, undilated convolution by Winograd's minimal filtering F(2x2, 3x3):
/// each 2x2 block of outputs is A^T [(G g G^T) . (B^T d B)] A over the 4x4 input tile d, so the
/// products cost 16 multiply-adds per 4 outputs and input-output channel pair instead of 36. The
/// transformed kernel U = G g G^T (16 matrices [in, filters]) is made once per kernel version in the
/// direct kernel's panel layout; a block of tiles is transformed (vectorised over channels, which are
/// contiguous in NHWC), then 16 products [tiles, in] x [in, filters] run on
/// <see cref="DirectConvolution"/>'s register tiles, and the output transform adds the bias and the
/// activation before the one store. Every product is one fused multiply-add chain over the input
/// channels and the transforms are fixed sequences of additions, so the bits do not depend on the
/// thread count or the vector width; a block of tiles stays in L2 between its three passes.
/// </summary>
internal static unsafe class WinogradConvolution
{
    /// <summary>Tile positions per register tile (the direct kernel's six rows).</summary>
    private const int MR = 6;

    /// <summary>Bytes of one block's transformed tiles (in and out, 16 matrices each), sized to stay in L2.</summary>
    private const int BlockBytes = 256 * 1024;

    [ThreadStatic] private static float[]? t_u;
    [ThreadStatic] private static float[]? t_v;
    [ThreadStatic] private static float[]? t_m;
    [ThreadStatic] private static float[]? t_edge;

    /// <summary>
    /// True when <paramref name="g"/> is a convolution F(2x2, 3x3) computes (3x3 window, stride 1, dilation 1)
    /// and measured faster than the direct kernel on it: at least 24 input channels, 16 filters and a 7x7 output.
    /// </summary>
    /// <remarks>
    /// Direct / Winograd time, batch 128, min of 11 alternated calls, AVX-512, 1 thread (load 8-11) | 2 threads (load 2):
    /// 32->64 on 26x26 valid 1.13-1.42 | 1.37, 32->32 on 32x32 same 1.27 | 1.51, 32->32 valid 1.07 | 1.40,
    /// 64->64 on 15x15 valid 1.26 | 1.43, 32->16 1.28 | 1.36, 24->24 1.31 | 1.31, 64->64 on 7x7 1.25 | 1.05,
    /// 128->128 on 8x8 1.57 | 1.43; slower: 16->16 on 32x32 0.86 | 0.52, 16->32 0.94 | 0.51, 8->32 0.51 | 0.34,
    /// 32->8 0.65 | 0.55, 3->32 0.33 | 0.17 (short patches, which the direct kernel reads in place), and small
    /// images at 2 threads: 32->32 on 4x4 1.07 | 0.87, 64->64 on 3x3 0.96 | 0.63. So the 1- and 3-channel first
    /// layers of the CNNs keep the direct kernel. The stride-1 input gradient's mirrored forward (filters as its
    /// channels) follows the same rule: dX of cifar10_cnn's 32->32 same 1.29 | 1.66, of mnist_cnn's 32->64 1.38 | 1.10.
    /// </remarks>
    public static bool Takes(in Window2D g, int filters) =>
        Fits(g) && g.Channels >= MinChannels && filters >= MinFilters && g.OutH >= MinOutput && g.OutW >= MinOutput;

    /// <summary>Output height and width from which Winograd is used (see <see cref="Takes"/>).</summary>
    internal const int MinOutput = 7;

    /// <summary>Input channels from which Winograd is used (see <see cref="Takes"/>).</summary>
    internal const int MinChannels = 24;

    /// <summary>Filters from which Winograd is used (see <see cref="Takes"/>).</summary>
    internal const int MinFilters = 16;

    /// <summary>True when F(2x2, 3x3) computes <paramref name="g"/> at all (any padding: outside reads are zero).</summary>
    internal static bool Fits(in Window2D g) =>
        g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1
        && g.Channels > 0 && g.OutH > 0 && g.OutW > 0;

    /// <summary>Floats of the transformed kernel for <paramref name="cin"/> channels and <paramref name="filters"/> filters in panels of <paramref name="nr"/>.</summary>
    internal static int TransformedLength(int cin, int filters, int nr) => 16 * ((filters + nr - 1) / nr) * cin * nr;

    /// <summary>
    /// U[xi][panel][c][q] = (G g G^T)[xi] of filter panel * nr + q and channel c, zero beyond the filters, where g is
    /// element (tap, c, f) = src[(f / srcNr) * srcPanel + (tap * cin + c) * srcNr + f % srcNr]: the plain kernel
    /// (srcNr = filters, srcPanel = 0) or the direct kernel's panels, which give the same floats.
    /// </summary>
    internal static void TransformKernel(float* src, int srcNr, long srcPanel, int cin, int filters, int nr, float* u)
    {
        int panels = (filters + nr - 1) / nr;
        long xiStride = (long)panels * cin * nr;
        float* w = stackalloc float[12];
        for (int j = 0; j < panels; j++)
        {
            for (int c = 0; c < cin; c++)
            {
                for (int q = 0; q < nr; q++)
                {
                    int f = j * nr + q;
                    float* dst = u + ((long)j * cin + c) * nr + q;
                    if (f >= filters)
                    {
                        for (int xi = 0; xi < 16; xi++)
                        {
                            dst[xi * xiStride] = 0f;
                        }
                        continue;
                    }
                    float* s = src + (f / srcNr) * srcPanel + (long)c * srcNr + f % srcNr;
                    long tap = (long)cin * srcNr;
                    // G g: rows over ky.
                    for (int kx = 0; kx < 3; kx++)
                    {
                        float g0 = s[kx * tap], g1 = s[(3 + kx) * tap], g2 = s[(6 + kx) * tap];
                        w[kx] = g0;
                        w[3 + kx] = (g0 + g1 + g2) * 0.5f;
                        w[6 + kx] = (g0 - g1 + g2) * 0.5f;
                        w[9 + kx] = g2;
                    }
                    // (G g) G^T: columns over kx.
                    for (int r = 0; r < 4; r++)
                    {
                        float a0 = w[r * 3], a1 = w[r * 3 + 1], a2 = w[r * 3 + 2];
                        dst[(r * 4) * xiStride] = a0;
                        dst[(r * 4 + 1) * xiStride] = (a0 + a1 + a2) * 0.5f;
                        dst[(r * 4 + 2) * xiStride] = (a0 - a1 + a2) * 0.5f;
                        dst[(r * 4 + 3) * xiStride] = a2;
                    }
                }
            }
        }
    }

    /// <summary>The transformed kernel of a kernel packed by <see cref="DirectConvolution.Pack"/> for a 3x3 window (made once per packing).</summary>
    internal static float[] Transform(ConvPanels kernel)
    {
        int cin = kernel.K / 9;
        var u = new float[TransformedLength(cin, kernel.N, kernel.NR)];
        fixed (float* pp = kernel.Data)
        fixed (float* pu = u)
        {
            TransformKernel(pp, kernel.NR, (long)kernel.K * kernel.NR, cin, kernel.N, kernel.NR, pu);
        }
        return u;
    }

    /// <summary>y (batch, outH, outW, filters) = activation(bias + x convolved with the plain kernel (3, 3, in, filters)), overwritten, on the tiles of <paramref name="level"/>.</summary>
    public static void Forward(SimdLevel level, float* x, float* kernel, float* bias, EpilogueActivation activation, float* y, in Window2D g, int filters)
    {
        var tileLevel = DirectConvolution.Narrowest(level, filters);
        int nr = DirectConvolution.PanelWidth(tileLevel);
        var u = ThreadScratch.AtLeast(ref t_u, TransformedLength(g.Channels, filters, nr));
        fixed (float* pu = u)
        {
            TransformKernel(kernel, filters, 0, g.Channels, filters, nr, pu);
            Run(tileLevel, pu, x, bias, activation, y, g, filters);
        }
    }

    /// <summary>As <see cref="Forward(SimdLevel, float*, float*, float*, EpilogueActivation, float*, in Window2D, int)"/> with the kernel transformed by <see cref="Transform"/> from <paramref name="kernel"/>: the same floats.</summary>
    public static void Forward(ConvPanels kernel, float[] transformed, float* x, float* bias, EpilogueActivation activation, float* y, in Window2D g, int filters)
    {
        if (kernel.K != g.PatchSize || kernel.N != filters || transformed.Length != TransformedLength(g.Channels, filters, kernel.NR))
        {
            throw new ArgumentException($"Internal error: a {kernel.K}x{kernel.N} Winograd kernel used for {g} with {filters} filters.");
        }
        fixed (float* pu = transformed)
        {
            Run(kernel.TileLevel, pu, x, bias, activation, y, g, filters);
        }
    }

    /// <summary>The convolution on the transformed kernel <paramref name="u"/> (panels of <paramref name="level"/>'s width).</summary>
    private static void Run(SimdLevel level, float* u, float* x, float* bias, EpilogueActivation activation, float* y, in Window2D g, int filters)
    {
        if (!Fits(g))
        {
            throw new ArgumentException($"Internal error: Winograd F(2x2, 3x3) does not compute {g}.");
        }
        int nr = DirectConvolution.PanelWidth(level);
        int padded = (filters + nr - 1) / nr * nr;
        // Zeros without a bias: the output transform always adds one.
        var biasBuffer = DirectConvolution.PaddedBias(bias, filters, padded);
        int tilesH = (g.OutH + 1) / 2, tilesW = (g.OutW + 1) / 2, tiles = tilesH * tilesW;
        int block = BlockTiles(g.Channels, padded, tiles);
        int blocks = (tiles + block - 1) / block;
        fixed (float* pb = biasBuffer)
        {
            var body = new Body(x, u, pb, activation, y, g, filters, level, block, blocks);
            CpuParallel.For(g.Batch * blocks, 16L * block * g.Channels * padded / GemmSmallRows.MacsPerElement, ref body);
        }
    }

    /// <summary>Tiles per block: a multiple of the register tile whose 16 transformed input and output matrices fill about <see cref="BlockBytes"/>.</summary>
    private static int BlockTiles(int cin, int padded, int tiles)
    {
        int block = BlockBytes / (16 * sizeof(float) * (cin + padded)) / MR * MR;
        block = Math.Clamp(block, MR, 16 * MR);
        return Math.Min(block, (tiles + MR - 1) / MR * MR);
    }

    private readonly struct Body(float* x, float* u, float* bias, EpilogueActivation activation, float* y, Window2D g, int filters, SimdLevel level, int block, int blocks) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int cin = g.Channels, nr = DirectConvolution.PanelWidth(level);
            int panels = (filters + nr - 1) / nr, padded = panels * nr;
            int tilesW = (g.OutW + 1) / 2, tiles = (g.OutH + 1) / 2 * tilesW;
            var vBuffer = ThreadScratch.AtLeast(ref t_v, 16 * block * cin);
            var mBuffer = ThreadScratch.AtLeast(ref t_m, 16 * block * padded);
            // A border tile is copied with its zeros into a 4x4 scratch tile, so every tile is read through one offset table.
            var edgeBuffer = ThreadScratch.AtLeast(ref t_edge, 16 * cin);
            float** rows = stackalloc float*[MR];
            int* inImage = stackalloc int[16];
            int* inEdge = stackalloc int[16];
            for (int k = 0; k < 16; k++)
            {
                inImage[k] = ((k >> 2) * g.Width + (k & 3)) * cin;
                inEdge[k] = k * cin;
            }
            // The register tile's single tap: the rows point at the transformed tiles themselves.
            int noOffset = 0;
            fixed (float* v = vBuffer)
            fixed (float* m = mBuffer)
            fixed (float* edge = edgeBuffer)
            {
                for (int item = start; item < end; item++)
                {
                    int n = item / blocks, b = item - n * blocks;
                    int t0 = b * block, count = Math.Min(block, tiles - t0);
                    float* image = x + (long)n * g.ImageSize;
                    float* yImage = y + (long)n * g.OutPixels * filters;
                    long vStride = (long)block * cin, mStride = (long)block * padded;
                    for (int t = 0; t < count; t++)
                    {
                        int ty = (t0 + t) / tilesW, tx = t0 + t - (t0 + t) / tilesW * tilesW;
                        int iy0 = 2 * ty - g.PadTop, ix0 = 2 * tx - g.PadLeft;
                        if (iy0 >= 0 && ix0 >= 0 && iy0 + 4 <= g.Height && ix0 + 4 <= g.Width)
                        {
                            InputTile(level, image + ((long)iy0 * g.Width + ix0) * cin, inImage, cin, v + (long)t * cin, vStride);
                            continue;
                        }
                        for (int k = 0; k < 16; k++)
                        {
                            int iy = iy0 + (k >> 2), ix = ix0 + (k & 3);
                            var dst = new Span<float>(edge + k * cin, cin);
                            if ((uint)iy < (uint)g.Height && (uint)ix < (uint)g.Width)
                            {
                                new ReadOnlySpan<float>(image + ((long)iy * g.Width + ix) * cin, cin).CopyTo(dst);
                            }
                            else
                            {
                                dst.Clear();
                            }
                        }
                        InputTile(level, edge, inEdge, cin, v + (long)t * cin, vStride);
                    }
                    int groups = (count + MR - 1) / MR;
                    for (int xi = 0; xi < 16; xi++)
                    {
                        float* vx = v + xi * vStride;
                        float* mx = m + xi * mStride;
                        for (int j = 0; j < panels; j++)
                        {
                            float* panel = u + ((long)xi * panels + j) * cin * nr;
                            for (int gi = 0; gi < groups; gi++)
                            {
                                int r0 = gi * MR;
                                for (int r = 0; r < MR; r++)
                                {
                                    // Rows past the block's last tile repeat it; their products are not read.
                                    rows[r] = vx + (long)Math.Min(r0 + r, count - 1) * cin;
                                }
                                DirectConvolution.Tile(level, rows, &noOffset, 1, cin, panel, mx + (long)r0 * padded + j * nr, padded, false, null, false);
                            }
                        }
                    }
                    bool relu = activation == EpilogueActivation.Relu;
                    bool after = !relu && activation != EpilogueActivation.None;
                    for (int t = 0; t < count; t++)
                    {
                        int ty = (t0 + t) / tilesW, tx = t0 + t - (t0 + t) / tilesW * tilesW;
                        int oy = 2 * ty, ox = 2 * tx;
                        int hy = Math.Min(2, g.OutH - oy), hx = Math.Min(2, g.OutW - ox);
                        float* d00 = yImage + ((long)oy * g.OutW + ox) * filters;
                        OutputTile(level, m + (long)t * padded, mStride, bias, filters, relu, d00, (long)g.OutW * filters, hy, hx);
                        if (after)
                        {
                            for (int a = 0; a < hy; a++)
                            {
                                for (int c = 0; c < hx; c++)
                                {
                                    DirectConvolution.Activate(activation, new Span<float>(d00 + ((long)a * g.OutW + c) * filters, filters));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Transforms one tile's input at every level (the same floats at each: additions in a fixed order, lane by lane).</summary>
    private static void InputTile(SimdLevel level, float* pix, int* offsets, int cin, float* v, long stride)
    {
        int c = level switch
        {
            SimdLevel.Vector512 => InputTile<Lanes512, Vector512<float>>(pix, offsets, cin, v, stride),
            SimdLevel.Vector256 => InputTile<Lanes256, Vector256<float>>(pix, offsets, cin, v, stride),
            SimdLevel.Vector128 => InputTile<Lanes128, Vector128<float>>(pix, offsets, cin, v, stride),
            _ => 0,
        };
        InputTile<Lanes1, float>(pix, offsets, cin, v, stride, c);
    }

    /// <summary>
    /// V[xi] = (B^T d B)[xi] of the 4x4 tile whose pixel k's channels start at pix + offsets[k], for channels
    /// [first, first + whole vectors); V[xi] lies at v + xi * stride. Returns the first channel not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static int InputTile<TL, TV>(float* pix, int* offsets, int cin, float* v, long stride, int first = 0)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        int c = first;
        float* p0 = pix + offsets[0], p1 = pix + offsets[1], p2 = pix + offsets[2], p3 = pix + offsets[3];
        float* p4 = pix + offsets[4], p5 = pix + offsets[5], p6 = pix + offsets[6], p7 = pix + offsets[7];
        float* p8 = pix + offsets[8], p9 = pix + offsets[9], p10 = pix + offsets[10], p11 = pix + offsets[11];
        float* p12 = pix + offsets[12], p13 = pix + offsets[13], p14 = pix + offsets[14], p15 = pix + offsets[15];
        for (; c <= cin - TL.Count; c += TL.Count)
        {
            // B^T d, column by column (rows of the tile are i, columns j).
            TV a0 = TL.Sub(TL.Load(p0 + c), TL.Load(p8 + c)), a1 = TL.Sub(TL.Load(p1 + c), TL.Load(p9 + c));
            TV a2 = TL.Sub(TL.Load(p2 + c), TL.Load(p10 + c)), a3 = TL.Sub(TL.Load(p3 + c), TL.Load(p11 + c));
            TV b0 = TL.Add(TL.Load(p4 + c), TL.Load(p8 + c)), b1 = TL.Add(TL.Load(p5 + c), TL.Load(p9 + c));
            TV b2 = TL.Add(TL.Load(p6 + c), TL.Load(p10 + c)), b3 = TL.Add(TL.Load(p7 + c), TL.Load(p11 + c));
            TV e0 = TL.Sub(TL.Load(p8 + c), TL.Load(p4 + c)), e1 = TL.Sub(TL.Load(p9 + c), TL.Load(p5 + c));
            TV e2 = TL.Sub(TL.Load(p10 + c), TL.Load(p6 + c)), e3 = TL.Sub(TL.Load(p11 + c), TL.Load(p7 + c));
            TV h0 = TL.Sub(TL.Load(p4 + c), TL.Load(p12 + c)), h1 = TL.Sub(TL.Load(p5 + c), TL.Load(p13 + c));
            TV h2 = TL.Sub(TL.Load(p6 + c), TL.Load(p14 + c)), h3 = TL.Sub(TL.Load(p7 + c), TL.Load(p15 + c));
            // (B^T d) B, row by row.
            float* o = v + c;
            TL.Store(TL.Sub(a0, a2), o); TL.Store(TL.Add(a1, a2), o + stride); TL.Store(TL.Sub(a2, a1), o + 2 * stride); TL.Store(TL.Sub(a1, a3), o + 3 * stride);
            o += 4 * stride;
            TL.Store(TL.Sub(b0, b2), o); TL.Store(TL.Add(b1, b2), o + stride); TL.Store(TL.Sub(b2, b1), o + 2 * stride); TL.Store(TL.Sub(b1, b3), o + 3 * stride);
            o += 4 * stride;
            TL.Store(TL.Sub(e0, e2), o); TL.Store(TL.Add(e1, e2), o + stride); TL.Store(TL.Sub(e2, e1), o + 2 * stride); TL.Store(TL.Sub(e1, e3), o + 3 * stride);
            o += 4 * stride;
            TL.Store(TL.Sub(h0, h2), o); TL.Store(TL.Add(h1, h2), o + stride); TL.Store(TL.Sub(h2, h1), o + 2 * stride); TL.Store(TL.Sub(h1, h3), o + 3 * stride);
        }
        return c;
    }

    /// <summary>Transforms one tile's products into its outputs at every level (the same floats at each).</summary>
    private static void OutputTile(SimdLevel level, float* m, long stride, float* bias, int filters, bool relu, float* dst, long ld, int hy, int hx)
    {
        int f = level switch
        {
            SimdLevel.Vector512 => OutputTile<Lanes512, Vector512<float>>(m, stride, bias, filters, relu, dst, ld, hy, hx),
            SimdLevel.Vector256 => OutputTile<Lanes256, Vector256<float>>(m, stride, bias, filters, relu, dst, ld, hy, hx),
            SimdLevel.Vector128 => OutputTile<Lanes128, Vector128<float>>(m, stride, bias, filters, relu, dst, ld, hy, hx),
            _ => 0,
        };
        OutputTile<Lanes1, float>(m, stride, bias, filters, relu, dst, ld, hy, hx, f);
    }

    /// <summary>
    /// The <paramref name="hy"/> x <paramref name="hx"/> outputs of one tile for filters [first, first + whole vectors):
    /// A^T M A over the 16 products (M[xi] at m + xi * stride), plus the bias, through ReLU when asked, stored at
    /// <paramref name="dst"/> (output rows <paramref name="ld"/> apart). Returns the first filter not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static int OutputTile<TL, TV>(float* m, long stride, float* bias, int filters, bool relu, float* dst, long ld, int hy, int hx, int first = 0)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        int f = first;
        float* y00 = dst, y01 = dst + filters, y10 = dst + ld, y11 = dst + ld + filters;
        for (; f <= filters - TL.Count; f += TL.Count)
        {
            float* q = m + f;
            // A^T M: s = m0 + m1 + m2 and t = m1 - m2 - m3 down each column.
            TV m1 = TL.Load(q + 4 * stride), m2 = TL.Load(q + 8 * stride);
            TV s0 = TL.Add(TL.Add(TL.Load(q), m1), m2), t0 = TL.Sub(TL.Sub(m1, m2), TL.Load(q + 12 * stride));
            m1 = TL.Load(q + 5 * stride); m2 = TL.Load(q + 9 * stride);
            TV s1 = TL.Add(TL.Add(TL.Load(q + stride), m1), m2), t1 = TL.Sub(TL.Sub(m1, m2), TL.Load(q + 13 * stride));
            m1 = TL.Load(q + 6 * stride); m2 = TL.Load(q + 10 * stride);
            TV s2 = TL.Add(TL.Add(TL.Load(q + 2 * stride), m1), m2), t2 = TL.Sub(TL.Sub(m1, m2), TL.Load(q + 14 * stride));
            m1 = TL.Load(q + 7 * stride); m2 = TL.Load(q + 11 * stride);
            TV s3 = TL.Add(TL.Add(TL.Load(q + 3 * stride), m1), m2), t3 = TL.Sub(TL.Sub(m1, m2), TL.Load(q + 15 * stride));
            // (A^T M) A, then the bias and the activation.
            TV e = TL.Load(bias + f);
            TV o00 = TL.Add(TL.Add(TL.Add(s0, s1), s2), e), o01 = TL.Add(TL.Sub(TL.Sub(s1, s2), s3), e);
            TV o10 = TL.Add(TL.Add(TL.Add(t0, t1), t2), e), o11 = TL.Add(TL.Sub(TL.Sub(t1, t2), t3), e);
            if (relu)
            {
                o00 = TL.Relu(o00); o01 = TL.Relu(o01); o10 = TL.Relu(o10); o11 = TL.Relu(o11);
            }
            TL.Store(o00, y00 + f);
            if (hx == 2)
            {
                TL.Store(o01, y01 + f);
            }
            if (hy == 2)
            {
                TL.Store(o10, y10 + f);
                if (hx == 2)
                {
                    TL.Store(o11, y11 + f);
                }
            }
        }
        return f;
    }

    /// <summary>The few vector operations the transforms use, for one vector type (the JIT specialises each).</summary>
    private interface ILanes<TV>
        where TV : struct
    {
        /// <summary>Floats per vector.</summary>
        static abstract int Count { get; }

        /// <summary>Loads a vector.</summary>
        static abstract TV Load(float* p);

        /// <summary>Stores a vector.</summary>
        static abstract void Store(TV v, float* p);

        /// <summary>a + b.</summary>
        static abstract TV Add(TV a, TV b);

        /// <summary>a - b.</summary>
        static abstract TV Sub(TV a, TV b);

        /// <summary>max(a, 0), as the direct kernel's tile applies ReLU.</summary>
        static abstract TV Relu(TV a);
    }

    private readonly struct Lanes512 : ILanes<Vector512<float>>
    {
        public static int Count => 16;
        public static Vector512<float> Load(float* p) => Vector512.Load(p);
        public static void Store(Vector512<float> v, float* p) => v.Store(p);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
        public static Vector512<float> Relu(Vector512<float> a) => Vector512.Max(a, Vector512<float>.Zero);
    }

    private readonly struct Lanes256 : ILanes<Vector256<float>>
    {
        public static int Count => 8;
        public static Vector256<float> Load(float* p) => Vector256.Load(p);
        public static void Store(Vector256<float> v, float* p) => v.Store(p);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
        public static Vector256<float> Relu(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);
    }

    private readonly struct Lanes128 : ILanes<Vector128<float>>
    {
        public static int Count => 4;
        public static Vector128<float> Load(float* p) => Vector128.Load(p);
        public static void Store(Vector128<float> v, float* p) => v.Store(p);
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static Vector128<float> Sub(Vector128<float> a, Vector128<float> b) => a - b;
        public static Vector128<float> Relu(Vector128<float> a) => Vector128.Max(a, Vector128<float>.Zero);
    }

    private readonly struct Lanes1 : ILanes<float>
    {
        public static int Count => 1;
        public static float Load(float* p) => *p;
        public static void Store(float v, float* p) => *p = v;
        public static float Add(float a, float b) => a + b;
        public static float Sub(float a, float b) => a - b;
        public static float Relu(float a) => MathF.Max(a, 0f);
    }
}
