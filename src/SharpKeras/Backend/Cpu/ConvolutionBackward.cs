using System.Numerics;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The kernel gradient of a convolution over few input channels (an RGB first layer) by direct
/// accumulation. As an implicit GEMM its A operand is (kh * kw * channels) rows by every output
/// position, only 27 rows deep for a 3x3 RGB kernel, so the packing (one gather of a window per
/// output position) costs more than the multiply and five row tiles split badly over threads.
/// Here each tap's up-to-four input channels times a run of filters stay in registers while the
/// output positions stream by: the outer product of a pixel's channels and its dY row is all the
/// work. The positions are cut into blocks whose size depends only on the shape, each block's
/// partial gradient is summed in block order, so the bits do not depend on the thread count.
/// </summary>
internal static unsafe class ConvolutionBackward
{
    /// <summary>Most input channels this kernel gradient takes; more go to <see cref="ConvolutionKernelGradient"/>, whose eight-channel tiles do more work per dY load.</summary>
    public const int MaxDirectChannels = 4;

    /// <summary>Input channels per register tile.</summary>
    private const int TileChannels = 4;

    /// <summary>Fewest output positions per partial sum.</summary>
    private const int MinBlockPositions = 1024;

    /// <summary>Most partial sums, which bounds the scratch at this many kernels' worth of floats.</summary>
    private const int MaxBlocks = 64;

    [ThreadStatic] private static float[]? t_partials;

    /// <summary>True when <see cref="KernelGradient"/> takes convolutions of geometry <paramref name="g"/>.</summary>
    public static bool TakesKernelGradient(in Window2D g) => g.Channels <= MaxDirectChannels && !g.IsPointwise;

    /// <summary>dk (kh, kw, in, filters) = windows(x)^T dY, overwritten, on the vectors of <paramref name="level"/>.</summary>
    public static void KernelGradient(SimdLevel level, float* x, float* dy, float* dk, in Window2D g, int filters)
    {
        if (g.Channels > MaxDirectChannels)
        {
            throw new ArgumentException($"Internal error: the direct kernel gradient takes at most {MaxDirectChannels} input channels, not {g.Channels}.");
        }
        int positions = g.Batch * g.OutPixels;
        int blockPositions = Math.Max(MinBlockPositions, (positions + MaxBlocks - 1) / MaxBlocks);
        int blocks = (positions + blockPositions - 1) / blockPositions;
        int size = g.PatchSize * filters;
        if (blocks == 1)
        {
            var single = new Body(level, x, dy, dk, g, filters, blockPositions, positions);
            single.Run(0, 1);
            return;
        }
        var partials = ThreadScratch.AtLeast(ref t_partials, blocks * size);
        fixed (float* pp = partials)
        {
            var body = new Body(level, x, dy, pp, g, filters, blockPositions, positions);
            CpuParallel.For(blocks, (long)blockPositions * size, ref body);
            Sum(pp, dk, blocks, size);
        }
    }

    /// <summary>dk[i] = partial 0 + partial 1 + ... in block order (lane width does not change an elementwise sum).</summary>
    private static void Sum(float* partials, float* dk, int blocks, int size)
    {
        int w = Vector<float>.Count, i = 0;
        for (; i <= size - w; i += w)
        {
            var s = Vector.Load(partials + i);
            for (int b = 1; b < blocks; b++)
            {
                s += Vector.Load(partials + (long)b * size + i);
            }
            Vector.Store(s, dk + i);
        }
        for (; i < size; i++)
        {
            float s = partials[i];
            for (int b = 1; b < blocks; b++)
            {
                s += partials[(long)b * size + i];
            }
            dk[i] = s;
        }
    }

    /// <summary>Blocks [start, end) of output positions, each into its own kernel-sized partial.</summary>
    private readonly struct Body(SimdLevel level, float* x, float* dy, float* partials, Window2D g, int filters, int blockPositions, int positions) : IRangeBody
    {
        public void Run(int start, int end)
        {
            // The padding reads as zeros (multiplied like any pixel, so a non-finite dY propagates as the GEMM's would).
            float* zeros = stackalloc float[TileChannels];
            new Span<float>(zeros, TileChannels).Clear();
            int size = g.PatchSize * filters, channels = g.Channels;
            int w = level switch
            {
                SimdLevel.Vector512 => Vector512<float>.Count,
                SimdLevel.Vector256 => Vector256<float>.Count,
                SimdLevel.Vector128 => Vector128<float>.Count,
                _ => 0,
            };
            for (int b = start; b < end; b++)
            {
                int p0 = b * blockPositions, p1 = Math.Min(p0 + blockPositions, positions);
                float* dk = partials + (long)b * size;
                for (int ky = 0; ky < g.KernelH; ky++)
                {
                    for (int kx = 0; kx < g.KernelW; kx++)
                    {
                        for (int c0 = 0; c0 < channels; c0 += TileChannels)
                        {
                            Tap(x + c0, dk + c0 * filters, p0, p1, ky, kx, Math.Min(TileChannels, channels - c0), w, zeros);
                        }
                    }
                }
            }
        }

        /// <summary>Tap (ky, kx) for channels [c0, c0 + cn): <paramref name="xc"/> and <paramref name="dkc"/> already point at channel c0.</summary>
        private void Tap(float* xc, float* dkc, int p0, int p1, int ky, int kx, int cn, int w, float* zeros)
        {
            int f0 = 0;
            if (w > 0)
            {
                for (; f0 + 2 * w <= filters; f0 += 2 * w)
                {
                    switch (level)
                    {
                        case SimdLevel.Vector512:
                            Tile512(xc, dy, dkc, g, filters, p0, p1, ky, kx, cn, f0, zeros);
                            break;
                        case SimdLevel.Vector256:
                            Tile256(xc, dy, dkc, g, filters, p0, p1, ky, kx, cn, f0, zeros);
                            break;
                        default:
                            Tile128(xc, dy, dkc, g, filters, p0, p1, ky, kx, cn, f0, zeros);
                            break;
                    }
                }
            }
            if (f0 < filters)
            {
                TileScalar(xc, dy, dkc, g, filters, p0, p1, ky, kx, cn, f0, filters - f0, zeros);
            }
        }
    }

    /// <summary>Output positions in order from one, with the source pixel of tap (ky, kx) of each.</summary>
    private struct PositionWalk
    {
        private readonly int _outW, _outH, _strideH, _strideW, _height, _width, _channels, _offH, _offW, _imageSize;
        private float* _image;
        private int _oy, _ox;

        public PositionWalk(float* x, in Window2D g, int position, int ky, int kx)
        {
            _outW = g.OutW;
            _outH = g.OutH;
            _strideH = g.StrideH;
            _strideW = g.StrideW;
            _height = g.Height;
            _width = g.Width;
            _channels = g.Channels;
            _offH = ky * g.DilationH - g.PadTop;
            _offW = kx * g.DilationW - g.PadLeft;
            _imageSize = g.ImageSize;
            int n = position / g.OutPixels, pix = position - n * g.OutPixels;
            _oy = pix / _outW;
            _ox = pix - _oy * _outW;
            _image = x + (long)n * _imageSize;
        }

        /// <summary>The current position's source pixel's channels, or <paramref name="zeros"/> in the padding.</summary>
        public readonly float* Source(float* zeros)
        {
            int sy = _oy * _strideH + _offH, sx = _ox * _strideW + _offW;
            return (uint)sy < (uint)_height && (uint)sx < (uint)_width ? _image + ((long)sy * _width + sx) * _channels : zeros;
        }

        /// <summary>Steps to the next output position (into the next image after an image's last).</summary>
        public void Next()
        {
            if (++_ox == _outW)
            {
                _ox = 0;
                if (++_oy == _outH)
                {
                    _oy = 0;
                    _image += _imageSize;
                }
            }
        }
    }

    /// <summary>dk[tap (ky, kx), c &lt; cn, f0 .. f0 + count) = the sum over positions [p0, p1) of the source pixel's channel c times dY[p, f].</summary>
    private static void TileScalar(float* x, float* dy, float* dk, in Window2D g, int filters, int p0, int p1, int ky, int kx, int cn, int f0, int count, float* zeros)
    {
        float* o = dk + ((ky * g.KernelW + kx) * g.Channels) * filters;
        for (int f = f0; f < f0 + count; f++)
        {
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            var walk = new PositionWalk(x, g, p0, ky, kx);
            float* d = dy + (long)p0 * filters + f;
            for (int p = p0; p < p1; p++)
            {
                float* s = walk.Source(zeros);
                float v = *d;
                a0 += s[0] * v;
                if (cn > 1)
                {
                    a1 += s[1] * v;
                    if (cn > 2)
                    {
                        a2 += s[2] * v;
                        if (cn > 3)
                        {
                            a3 += s[3] * v;
                        }
                    }
                }
                d += filters;
                walk.Next();
            }
            o[f] = a0;
            if (cn > 1)
            {
                o[filters + f] = a1;
            }
            if (cn > 2)
            {
                o[2 * filters + f] = a2;
            }
            if (cn > 3)
            {
                o[3 * filters + f] = a3;
            }
        }
    }

    /// <summary><see cref="TileScalar"/> on 16-float vectors: 32 filters from <paramref name="f0"/>, up to four channels, over one block's positions.</summary>
    private static void Tile512(float* x, float* dy, float* dk, in Window2D g, int filters, int p0, int p1, int ky, int kx, int cn, int f0, float* zeros)
    {
        var a00 = Vector512<float>.Zero;
        var a01 = Vector512<float>.Zero;
        var a10 = Vector512<float>.Zero;
        var a11 = Vector512<float>.Zero;
        var a20 = Vector512<float>.Zero;
        var a21 = Vector512<float>.Zero;
        var a30 = Vector512<float>.Zero;
        var a31 = Vector512<float>.Zero;
        var walk = new PositionWalk(x, g, p0, ky, kx);
        float* d = dy + (long)p0 * filters + f0;
        for (int p = p0; p < p1; p++)
        {
            float* s = walk.Source(zeros);
            var d0 = Vector512.Load(d);
            var d1 = Vector512.Load(d + 16);
            var b = Vector512.Create(s[0]);
            a00 = Vector512.FusedMultiplyAdd(b, d0, a00);
            a01 = Vector512.FusedMultiplyAdd(b, d1, a01);
            if (cn > 1)
            {
                b = Vector512.Create(s[1]);
                a10 = Vector512.FusedMultiplyAdd(b, d0, a10);
                a11 = Vector512.FusedMultiplyAdd(b, d1, a11);
                if (cn > 2)
                {
                    b = Vector512.Create(s[2]);
                    a20 = Vector512.FusedMultiplyAdd(b, d0, a20);
                    a21 = Vector512.FusedMultiplyAdd(b, d1, a21);
                    if (cn > 3)
                    {
                        b = Vector512.Create(s[3]);
                        a30 = Vector512.FusedMultiplyAdd(b, d0, a30);
                        a31 = Vector512.FusedMultiplyAdd(b, d1, a31);
                    }
                }
            }
            d += filters;
            walk.Next();
        }
        float* o = dk + ((ky * g.KernelW + kx) * g.Channels) * filters + f0;
        a00.Store(o);
        a01.Store(o + 16);
        if (cn > 1)
        {
            a10.Store(o + filters);
            a11.Store(o + filters + 16);
        }
        if (cn > 2)
        {
            a20.Store(o + 2 * filters);
            a21.Store(o + 2 * filters + 16);
        }
        if (cn > 3)
        {
            a30.Store(o + 3 * filters);
            a31.Store(o + 3 * filters + 16);
        }
    }

    /// <summary><see cref="TileScalar"/> on 8-float vectors: 16 filters from <paramref name="f0"/>, up to four channels, over one block's positions.</summary>
    private static void Tile256(float* x, float* dy, float* dk, in Window2D g, int filters, int p0, int p1, int ky, int kx, int cn, int f0, float* zeros)
    {
        var a00 = Vector256<float>.Zero;
        var a01 = Vector256<float>.Zero;
        var a10 = Vector256<float>.Zero;
        var a11 = Vector256<float>.Zero;
        var a20 = Vector256<float>.Zero;
        var a21 = Vector256<float>.Zero;
        var a30 = Vector256<float>.Zero;
        var a31 = Vector256<float>.Zero;
        var walk = new PositionWalk(x, g, p0, ky, kx);
        float* d = dy + (long)p0 * filters + f0;
        for (int p = p0; p < p1; p++)
        {
            float* s = walk.Source(zeros);
            var d0 = Vector256.Load(d);
            var d1 = Vector256.Load(d + 8);
            var b = Vector256.Create(s[0]);
            a00 = Vector256.FusedMultiplyAdd(b, d0, a00);
            a01 = Vector256.FusedMultiplyAdd(b, d1, a01);
            if (cn > 1)
            {
                b = Vector256.Create(s[1]);
                a10 = Vector256.FusedMultiplyAdd(b, d0, a10);
                a11 = Vector256.FusedMultiplyAdd(b, d1, a11);
                if (cn > 2)
                {
                    b = Vector256.Create(s[2]);
                    a20 = Vector256.FusedMultiplyAdd(b, d0, a20);
                    a21 = Vector256.FusedMultiplyAdd(b, d1, a21);
                    if (cn > 3)
                    {
                        b = Vector256.Create(s[3]);
                        a30 = Vector256.FusedMultiplyAdd(b, d0, a30);
                        a31 = Vector256.FusedMultiplyAdd(b, d1, a31);
                    }
                }
            }
            d += filters;
            walk.Next();
        }
        float* o = dk + ((ky * g.KernelW + kx) * g.Channels) * filters + f0;
        a00.Store(o);
        a01.Store(o + 8);
        if (cn > 1)
        {
            a10.Store(o + filters);
            a11.Store(o + filters + 8);
        }
        if (cn > 2)
        {
            a20.Store(o + 2 * filters);
            a21.Store(o + 2 * filters + 8);
        }
        if (cn > 3)
        {
            a30.Store(o + 3 * filters);
            a31.Store(o + 3 * filters + 8);
        }
    }

    /// <summary><see cref="TileScalar"/> on 4-float vectors: 8 filters from <paramref name="f0"/>, up to four channels, over one block's positions.</summary>
    private static void Tile128(float* x, float* dy, float* dk, in Window2D g, int filters, int p0, int p1, int ky, int kx, int cn, int f0, float* zeros)
    {
        var a00 = Vector128<float>.Zero;
        var a01 = Vector128<float>.Zero;
        var a10 = Vector128<float>.Zero;
        var a11 = Vector128<float>.Zero;
        var a20 = Vector128<float>.Zero;
        var a21 = Vector128<float>.Zero;
        var a30 = Vector128<float>.Zero;
        var a31 = Vector128<float>.Zero;
        var walk = new PositionWalk(x, g, p0, ky, kx);
        float* d = dy + (long)p0 * filters + f0;
        for (int p = p0; p < p1; p++)
        {
            float* s = walk.Source(zeros);
            var d0 = Vector128.Load(d);
            var d1 = Vector128.Load(d + 4);
            var b = Vector128.Create(s[0]);
            a00 = Vector128.FusedMultiplyAdd(b, d0, a00);
            a01 = Vector128.FusedMultiplyAdd(b, d1, a01);
            if (cn > 1)
            {
                b = Vector128.Create(s[1]);
                a10 = Vector128.FusedMultiplyAdd(b, d0, a10);
                a11 = Vector128.FusedMultiplyAdd(b, d1, a11);
                if (cn > 2)
                {
                    b = Vector128.Create(s[2]);
                    a20 = Vector128.FusedMultiplyAdd(b, d0, a20);
                    a21 = Vector128.FusedMultiplyAdd(b, d1, a21);
                    if (cn > 3)
                    {
                        b = Vector128.Create(s[3]);
                        a30 = Vector128.FusedMultiplyAdd(b, d0, a30);
                        a31 = Vector128.FusedMultiplyAdd(b, d1, a31);
                    }
                }
            }
            d += filters;
            walk.Next();
        }
        float* o = dk + ((ky * g.KernelW + kx) * g.Channels) * filters + f0;
        a00.Store(o);
        a01.Store(o + 4);
        if (cn > 1)
        {
            a10.Store(o + filters);
            a11.Store(o + filters + 4);
        }
        if (cn > 2)
        {
            a20.Store(o + 2 * filters);
            a21.Store(o + 2 * filters + 4);
        }
        if (cn > 3)
        {
            a30.Store(o + 3 * filters);
            a31.Store(o + 3 * filters + 4);
        }
    }
}
