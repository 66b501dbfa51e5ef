using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The kernel gradient of a convolution over more than <see cref="ConvolutionBackward.MaxDirectChannels"/>
/// input channels by direct accumulation: a register tile of eight input channels of one tap by two
/// vectors of filters stays in registers while a run of output positions streams by (eight
/// broadcasts from the source pixel and two loads of its dY row feed sixteen fused multiply-adds).
/// The implicit GEMM spent as long gathering the transposed windows into A panels (a window per
/// output position, dealt out six floats at a time to every panel) as on its products. Each tile of
/// dk belongs to one work item, which adds the positions image by image in order, a few images
/// (whose dY fits the L2 cache) per parallel region; so every dk value is one chain of fused
/// multiply-adds in position order whatever the thread count. A padded convolution's images are
/// first copied, a region's worth at a time, into a zero-bordered scratch, so that each output row
/// is one run of the tile (a "same" border split rows into one-position runs that reloaded the whole
/// tile) and the padding is multiplied like any pixel (a non-finite dY propagates as the GEMM's would).
/// </summary>
internal static unsafe class ConvolutionKernelGradient
{
    /// <summary>Input channels per register tile.</summary>
    private const int TileChannels = 8;

    /// <summary>dY floats per parallel region (256 KiB): the images every item walks stay in L2.</summary>
    private const int ChunkFloats = 1 << 16;

    [ThreadStatic] private static float[]? t_padded;

    /// <summary>True when <see cref="Run"/> takes the kernel gradient of geometry <paramref name="g"/>.</summary>
    public static bool Takes(in Window2D g) => g.Channels > ConvolutionBackward.MaxDirectChannels && !g.IsPointwise;

    /// <summary>Filters per vector tile at <paramref name="level"/> (two vectors; 0 for scalar code).</summary>
    private static int TileFilters(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => 2 * Vector512<float>.Count,
        SimdLevel.Vector256 => 2 * Vector256<float>.Count,
        SimdLevel.Vector128 => 2 * Vector128<float>.Count,
        _ => 0,
    };

    /// <summary>dk (kh, kw, in, filters) = windows(x)^T dY, overwritten, on the vectors of <paramref name="level"/>.</summary>
    public static void Run(SimdLevel level, float* x, float* dy, float* dk, in Window2D g, int filters)
    {
        if (level > Gemm.Best)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"This CPU accelerates at most {Gemm.Best}.");
        }
        if (!Takes(g))
        {
            throw new ArgumentException($"Internal error: the direct kernel gradient for many channels does not take {g}.");
        }
        int size = g.PatchSize * filters;
        new Span<float>(dk, size).Clear();
        if (g.Batch == 0 || g.OutPixels == 0 || filters == 0)
        {
            return;
        }
        int fw = TileFilters(level);
        int filterGroups = fw == 0 ? 1 : (filters + fw - 1) / fw;
        int channelGroups = (g.Channels + TileChannels - 1) / TileChannels;
        int items = g.KernelH * g.KernelW * channelGroups * filterGroups;
        int perImage = g.OutPixels * filters;
        int chunk = Math.Clamp(ChunkFloats / Math.Max(1, perImage), 1, g.Batch);
        bool pad = DirectConvolution.NeedsPadding(g);
        var (hp, wp) = DirectConvolution.PaddedExtent(g);
        long paddedImage = (long)hp * wp * g.Channels;
        var padded = pad ? ThreadScratch.AtLeast(ref t_padded, checked((int)(chunk * paddedImage))) : null;
        fixed (float* scratch = padded)
        {
            for (int first = 0; first < g.Batch; first += chunk)
            {
                int count = Math.Min(chunk, g.Batch - first);
                float* images = x + (long)first * g.ImageSize;
                if (pad)
                {
                    for (int i = 0; i < count; i++)
                    {
                        DirectConvolution.CopyPadded(images + (long)i * g.ImageSize, scratch + i * paddedImage, g, hp, wp);
                    }
                    images = scratch;
                }
                var body = new Body(level, images, dy + (long)first * perImage, dk, g, filters, count, hp, wp, channelGroups, filterGroups);
                CpuParallel.For(items, (long)count * g.OutPixels * TileChannels * Math.Max(fw, Math.Min(filters, 32)) / GemmSmallRows.MacsPerElement, ref body);
            }
        }
    }

    /// <summary>Tiles [start, end) of dk, each over <paramref name="count"/> images (hp x wp, padding included) added in order.</summary>
    private readonly struct Body(SimdLevel level, float* images, float* dy, float* dk, Window2D g, int filters, int count, int hp, int wp,
        int channelGroups, int filterGroups) : IRangeBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            int fw = TileFilters(level), c = g.Channels;
            long imageFloats = (long)hp * wp * c;
            int step = g.StrideW * c;
            for (int item = start; item < end; item++)
            {
                int fg = item % filterGroups, rest = item / filterGroups;
                int cg = rest % channelGroups, tap = rest / channelGroups;
                int ky = tap / g.KernelW, kx = tap - ky * g.KernelW;
                int c0 = cg * TileChannels, cn = Math.Min(TileChannels, c - c0);
                int f0 = fw == 0 ? 0 : fg * fw, fn = fw == 0 ? filters : Math.Min(fw, filters - f0);
                bool vector = fw > 0 && cn == TileChannels && fn == fw;
                float* o = dk + (long)(tap * c + c0) * filters + f0;
                // In the (possibly zero-bordered) image, output (oy, ox) reads pixel (oy * strideH + ky * dh, ox * strideW + kx * dw).
                long tapOffset = ((long)ky * g.DilationH * wp + kx * g.DilationW) * c + c0;
                for (int n = 0; n < count; n++)
                {
                    float* image = images + n * imageFloats + tapOffset;
                    float* d = dy + (long)n * g.OutPixels * filters + f0;
                    for (int oy = 0; oy < g.OutH; oy++)
                    {
                        Tile(vector, image + (long)oy * g.StrideH * wp * c, step, d, g.OutW, filters, o, cn, fn);
                        d += (long)g.OutW * filters;
                    }
                }
            }
        }

        private void Tile(bool vector, float* s, int step, float* d, int positions, int ld, float* o, int cn, int fn)
        {
            if (!vector)
            {
                TileScalar(s, step, d, positions, ld, o, cn, fn);
                return;
            }
            switch (level)
            {
                case SimdLevel.Vector512:
                    Tile512(s, step, d, positions, ld, o);
                    break;
                case SimdLevel.Vector256:
                    Tile256(s, step, d, positions, ld, o);
                    break;
                default:
                    Tile128(s, step, d, positions, ld, o);
                    break;
            }
        }
    }

    /// <summary>o[c &lt; cn, f &lt; fn] += the sum over <paramref name="positions"/> of source s[c] (s advancing by step) times d[f] (d advancing by ld).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileScalar(float* s, int step, float* d, int positions, int ld, float* o, int cn, int fn)
    {
        for (int ci = 0; ci < cn; ci++)
        {
            for (int f = 0; f < fn; f++)
            {
                float a = o[(long)ci * ld + f];
                float* sp = s + ci;
                float* dp = d + f;
                for (int p = 0; p < positions; p++)
                {
                    a = MathF.FusedMultiplyAdd(*sp, *dp, a);
                    sp += step;
                    dp += ld;
                }
                o[(long)ci * ld + f] = a;
            }
        }
    }

    /// <summary><see cref="TileScalar"/> for eight channels and two 16-float vectors of filters, in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512(float* s, int step, float* d, int positions, int ld, float* o)
    {
        var a00 = Vector512.Load(o);
        var a01 = Vector512.Load(o + 16);
        var a10 = Vector512.Load(o + 1 * ld);
        var a11 = Vector512.Load(o + 1 * ld + 16);
        var a20 = Vector512.Load(o + 2 * ld);
        var a21 = Vector512.Load(o + 2 * ld + 16);
        var a30 = Vector512.Load(o + 3 * ld);
        var a31 = Vector512.Load(o + 3 * ld + 16);
        var a40 = Vector512.Load(o + 4 * ld);
        var a41 = Vector512.Load(o + 4 * ld + 16);
        var a50 = Vector512.Load(o + 5 * ld);
        var a51 = Vector512.Load(o + 5 * ld + 16);
        var a60 = Vector512.Load(o + 6 * ld);
        var a61 = Vector512.Load(o + 6 * ld + 16);
        var a70 = Vector512.Load(o + 7 * ld);
        var a71 = Vector512.Load(o + 7 * ld + 16);
        for (int p = 0; p < positions; p++)
        {
            var d0 = Vector512.Load(d);
            var d1 = Vector512.Load(d + 16);
            var b0 = Vector512.Create(s[0]);
            a00 = Vector512.FusedMultiplyAdd(b0, d0, a00);
            a01 = Vector512.FusedMultiplyAdd(b0, d1, a01);
            var b1 = Vector512.Create(s[1]);
            a10 = Vector512.FusedMultiplyAdd(b1, d0, a10);
            a11 = Vector512.FusedMultiplyAdd(b1, d1, a11);
            var b2 = Vector512.Create(s[2]);
            a20 = Vector512.FusedMultiplyAdd(b2, d0, a20);
            a21 = Vector512.FusedMultiplyAdd(b2, d1, a21);
            var b3 = Vector512.Create(s[3]);
            a30 = Vector512.FusedMultiplyAdd(b3, d0, a30);
            a31 = Vector512.FusedMultiplyAdd(b3, d1, a31);
            var b4 = Vector512.Create(s[4]);
            a40 = Vector512.FusedMultiplyAdd(b4, d0, a40);
            a41 = Vector512.FusedMultiplyAdd(b4, d1, a41);
            var b5 = Vector512.Create(s[5]);
            a50 = Vector512.FusedMultiplyAdd(b5, d0, a50);
            a51 = Vector512.FusedMultiplyAdd(b5, d1, a51);
            var b6 = Vector512.Create(s[6]);
            a60 = Vector512.FusedMultiplyAdd(b6, d0, a60);
            a61 = Vector512.FusedMultiplyAdd(b6, d1, a61);
            var b7 = Vector512.Create(s[7]);
            a70 = Vector512.FusedMultiplyAdd(b7, d0, a70);
            a71 = Vector512.FusedMultiplyAdd(b7, d1, a71);
            s += step;
            d += ld;
        }
        a00.Store(o);
        a01.Store(o + 16);
        a10.Store(o + 1 * ld);
        a11.Store(o + 1 * ld + 16);
        a20.Store(o + 2 * ld);
        a21.Store(o + 2 * ld + 16);
        a30.Store(o + 3 * ld);
        a31.Store(o + 3 * ld + 16);
        a40.Store(o + 4 * ld);
        a41.Store(o + 4 * ld + 16);
        a50.Store(o + 5 * ld);
        a51.Store(o + 5 * ld + 16);
        a60.Store(o + 6 * ld);
        a61.Store(o + 6 * ld + 16);
        a70.Store(o + 7 * ld);
        a71.Store(o + 7 * ld + 16);
    }

    /// <summary><see cref="TileScalar"/> for eight channels and two 8-float vectors of filters, in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256(float* s, int step, float* d, int positions, int ld, float* o)
    {
        var a00 = Vector256.Load(o);
        var a01 = Vector256.Load(o + 8);
        var a10 = Vector256.Load(o + 1 * ld);
        var a11 = Vector256.Load(o + 1 * ld + 8);
        var a20 = Vector256.Load(o + 2 * ld);
        var a21 = Vector256.Load(o + 2 * ld + 8);
        var a30 = Vector256.Load(o + 3 * ld);
        var a31 = Vector256.Load(o + 3 * ld + 8);
        var a40 = Vector256.Load(o + 4 * ld);
        var a41 = Vector256.Load(o + 4 * ld + 8);
        var a50 = Vector256.Load(o + 5 * ld);
        var a51 = Vector256.Load(o + 5 * ld + 8);
        var a60 = Vector256.Load(o + 6 * ld);
        var a61 = Vector256.Load(o + 6 * ld + 8);
        var a70 = Vector256.Load(o + 7 * ld);
        var a71 = Vector256.Load(o + 7 * ld + 8);
        for (int p = 0; p < positions; p++)
        {
            var d0 = Vector256.Load(d);
            var d1 = Vector256.Load(d + 8);
            var b0 = Vector256.Create(s[0]);
            a00 = Vector256.FusedMultiplyAdd(b0, d0, a00);
            a01 = Vector256.FusedMultiplyAdd(b0, d1, a01);
            var b1 = Vector256.Create(s[1]);
            a10 = Vector256.FusedMultiplyAdd(b1, d0, a10);
            a11 = Vector256.FusedMultiplyAdd(b1, d1, a11);
            var b2 = Vector256.Create(s[2]);
            a20 = Vector256.FusedMultiplyAdd(b2, d0, a20);
            a21 = Vector256.FusedMultiplyAdd(b2, d1, a21);
            var b3 = Vector256.Create(s[3]);
            a30 = Vector256.FusedMultiplyAdd(b3, d0, a30);
            a31 = Vector256.FusedMultiplyAdd(b3, d1, a31);
            var b4 = Vector256.Create(s[4]);
            a40 = Vector256.FusedMultiplyAdd(b4, d0, a40);
            a41 = Vector256.FusedMultiplyAdd(b4, d1, a41);
            var b5 = Vector256.Create(s[5]);
            a50 = Vector256.FusedMultiplyAdd(b5, d0, a50);
            a51 = Vector256.FusedMultiplyAdd(b5, d1, a51);
            var b6 = Vector256.Create(s[6]);
            a60 = Vector256.FusedMultiplyAdd(b6, d0, a60);
            a61 = Vector256.FusedMultiplyAdd(b6, d1, a61);
            var b7 = Vector256.Create(s[7]);
            a70 = Vector256.FusedMultiplyAdd(b7, d0, a70);
            a71 = Vector256.FusedMultiplyAdd(b7, d1, a71);
            s += step;
            d += ld;
        }
        a00.Store(o);
        a01.Store(o + 8);
        a10.Store(o + 1 * ld);
        a11.Store(o + 1 * ld + 8);
        a20.Store(o + 2 * ld);
        a21.Store(o + 2 * ld + 8);
        a30.Store(o + 3 * ld);
        a31.Store(o + 3 * ld + 8);
        a40.Store(o + 4 * ld);
        a41.Store(o + 4 * ld + 8);
        a50.Store(o + 5 * ld);
        a51.Store(o + 5 * ld + 8);
        a60.Store(o + 6 * ld);
        a61.Store(o + 6 * ld + 8);
        a70.Store(o + 7 * ld);
        a71.Store(o + 7 * ld + 8);
    }

    /// <summary><see cref="TileScalar"/> for eight channels and two 4-float vectors of filters, in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile128(float* s, int step, float* d, int positions, int ld, float* o)
    {
        var a00 = Vector128.Load(o);
        var a01 = Vector128.Load(o + 4);
        var a10 = Vector128.Load(o + 1 * ld);
        var a11 = Vector128.Load(o + 1 * ld + 4);
        var a20 = Vector128.Load(o + 2 * ld);
        var a21 = Vector128.Load(o + 2 * ld + 4);
        var a30 = Vector128.Load(o + 3 * ld);
        var a31 = Vector128.Load(o + 3 * ld + 4);
        var a40 = Vector128.Load(o + 4 * ld);
        var a41 = Vector128.Load(o + 4 * ld + 4);
        var a50 = Vector128.Load(o + 5 * ld);
        var a51 = Vector128.Load(o + 5 * ld + 4);
        var a60 = Vector128.Load(o + 6 * ld);
        var a61 = Vector128.Load(o + 6 * ld + 4);
        var a70 = Vector128.Load(o + 7 * ld);
        var a71 = Vector128.Load(o + 7 * ld + 4);
        for (int p = 0; p < positions; p++)
        {
            var d0 = Vector128.Load(d);
            var d1 = Vector128.Load(d + 4);
            var b0 = Vector128.Create(s[0]);
            a00 = Vector128.FusedMultiplyAdd(b0, d0, a00);
            a01 = Vector128.FusedMultiplyAdd(b0, d1, a01);
            var b1 = Vector128.Create(s[1]);
            a10 = Vector128.FusedMultiplyAdd(b1, d0, a10);
            a11 = Vector128.FusedMultiplyAdd(b1, d1, a11);
            var b2 = Vector128.Create(s[2]);
            a20 = Vector128.FusedMultiplyAdd(b2, d0, a20);
            a21 = Vector128.FusedMultiplyAdd(b2, d1, a21);
            var b3 = Vector128.Create(s[3]);
            a30 = Vector128.FusedMultiplyAdd(b3, d0, a30);
            a31 = Vector128.FusedMultiplyAdd(b3, d1, a31);
            var b4 = Vector128.Create(s[4]);
            a40 = Vector128.FusedMultiplyAdd(b4, d0, a40);
            a41 = Vector128.FusedMultiplyAdd(b4, d1, a41);
            var b5 = Vector128.Create(s[5]);
            a50 = Vector128.FusedMultiplyAdd(b5, d0, a50);
            a51 = Vector128.FusedMultiplyAdd(b5, d1, a51);
            var b6 = Vector128.Create(s[6]);
            a60 = Vector128.FusedMultiplyAdd(b6, d0, a60);
            a61 = Vector128.FusedMultiplyAdd(b6, d1, a61);
            var b7 = Vector128.Create(s[7]);
            a70 = Vector128.FusedMultiplyAdd(b7, d0, a70);
            a71 = Vector128.FusedMultiplyAdd(b7, d1, a71);
            s += step;
            d += ld;
        }
        a00.Store(o);
        a01.Store(o + 4);
        a10.Store(o + 1 * ld);
        a11.Store(o + 1 * ld + 4);
        a20.Store(o + 2 * ld);
        a21.Store(o + 2 * ld + 4);
        a30.Store(o + 3 * ld);
        a31.Store(o + 3 * ld + 4);
        a40.Store(o + 4 * ld);
        a41.Store(o + 4 * ld + 4);
        a50.Store(o + 5 * ld);
        a51.Store(o + 5 * ld + 4);
        a60.Store(o + 6 * ld);
        a61.Store(o + 6 * ld + 4);
        a70.Store(o + 7 * ld);
        a71.Store(o + 7 * ld + 4);
    }
}
