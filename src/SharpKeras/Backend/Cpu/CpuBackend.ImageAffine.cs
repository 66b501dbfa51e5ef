using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The projective image transform on the CPU backend: output rows split across threads; source coordinates, floors and
/// weights of a row computed a SIMD vector of pixels at a time, with the index fixing of the fill modes only for the
/// vectors that reach past the border; each tap a SIMD multiply-add over the channels.
/// </summary>
internal sealed unsafe partial class CpuBackend
{
    // Pixels whose taps are planned at once: small enough for the stack, large enough to amortise the planning.
    private const int AffineBlock = 64;

    // As the reference backend: absurd coordinates are clamped before they become indices.
    private const float AffineCoordinateLimit = 1 << 23;

    /// <inheritdoc/>
    public void AffineTransform(Span<float> x, Span<float> y, int n, int h, int w, int c, int outHeight, int outWidth, ReadOnlySpan<float> transforms,
        bool bilinear, AffineFillMode fillMode, float fillValue, bool backward)
    {
        if (transforms.Length < 8 * n)
        {
            throw new ArgumentException($"affine_transform: {n} images need {8 * n} transform values, got {transforms.Length}.", nameof(transforms));
        }
        fixed (float* px = x, py = y, pt = transforms)
        {
            var body = new AffineBody
            {
                X = px, Y = py, T = pt, H = h, W = w, C = c, OH = outHeight, OW = outWidth,
                Bilinear = bilinear, Mode = fillMode, Fill = fillValue,
            };
            long work = (long)outWidth * c * (bilinear ? 4 : 1);
            if (backward)
            {
                // Each sample's gradient is written by one thread only, so samples split safely.
                x.Clear();
                var back = new AffineBackBody { Inner = body };
                CpuParallel.For(n, work * outHeight, ref back);
            }
            else
            {
                CpuParallel.For(n * outHeight, work, ref body);
            }
        }
    }

    private struct AffineBody : IRangeBody
    {
        public float* X, Y, T;
        public int H, W, C, OH, OW;
        public bool Bilinear;
        public AffineFillMode Mode;
        public float Fill;

        private readonly int Taps => Bilinear ? 4 : 1;

        public readonly void Run(int start, int end)
        {
            int* index = stackalloc int[4 * AffineBlock];
            float* weight = stackalloc float[4 * AffineBlock];
            for (int row = start; row < end; row++)
            {
                int b = row / OH, i = row % OH;
                float* image = X + (long)b * H * W * C;
                for (int j0 = 0; j0 < OW; j0 += AffineBlock)
                {
                    int count = Math.Min(AffineBlock, OW - j0);
                    PlanTaps(b, i, j0, count, index, weight);
                    for (int jj = 0; jj < count; jj++)
                    {
                        float* dst = Y + (((long)row * OW) + j0 + jj) * C;
                        new Span<float>(dst, C).Clear();
                        float fillWeight = 0f;
                        for (int t = 0; t < Taps; t++)
                        {
                            int src = index[t * AffineBlock + jj];
                            float wt = weight[t * AffineBlock + jj];
                            if (wt == 0f)
                            {
                                continue;
                            }
                            if (src < 0)
                            {
                                fillWeight += wt;
                            }
                            else
                            {
                                MultiplyAdd(dst, image + (long)src * C, wt, C);
                            }
                        }
                        if (fillWeight != 0f)
                        {
                            float add = fillWeight * Fill;
                            for (int k = 0; k < C; k++)
                            {
                                dst[k] += add;
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Writes the taps of output pixels j0 .. j0 + count - 1 of row i of image b: tap t of pixel jj at
        /// [t * AffineBlock + jj], as a pixel offset in the image (row * W + column) or -1 for the fill value.
        /// </summary>
        public readonly void PlanTaps(int b, int i, int j0, int count, int* index, float* weight)
        {
            float* t = T + 8 * b;
            float fi = i;
            int jj = 0;
            if (Vector.IsHardwareAccelerated && count >= Vector<float>.Count)
            {
                int v = Vector<float>.Count;
                var iota = Iota();
                var a0 = new Vector<float>(t[0]);
                var b0 = new Vector<float>(t[3]);
                var c0 = new Vector<float>(t[6]);
                var colBase = new Vector<float>(t[1] * fi);
                var rowBase = new Vector<float>(t[4] * fi);
                var kBase = new Vector<float>(t[7] * fi);
                var a2 = new Vector<float>(t[2]);
                var b2 = new Vector<float>(t[5]);
                var zero = Vector<int>.Zero;
                var lastRow = new Vector<int>(H - 1 - (Bilinear ? 1 : 0));
                var lastCol = new Vector<int>(W - 1 - (Bilinear ? 1 : 0));
                var width = new Vector<int>(W);
                for (; jj <= count - v; jj += v)
                {
                    var fj = new Vector<float>(j0 + jj) + iota;
                    var k = kBase + c0 * fj + Vector<float>.One;
                    var col = (colBase + a0 * fj + a2) / k;
                    var row = (rowBase + b0 * fj + b2) / k;
                    // In range (which also excludes NaN and k = 0's infinities): then no fill mode applies.
                    var limit = new Vector<float>(AffineCoordinateLimit);
                    if (!Vector.LessThanAll(Vector.Abs(col), limit) || !Vector.LessThanAll(Vector.Abs(row), limit) || !Vector.EqualsAll(Vector.Equals(k, Vector<float>.Zero), Vector<int>.Zero))
                    {
                        ScalarTaps(t, i, j0 + jj, v, index + jj, weight + jj);
                        continue;
                    }
                    Vector<float> r0, c0f;
                    if (Bilinear)
                    {
                        r0 = Vector.Floor(row);
                        c0f = Vector.Floor(col);
                    }
                    else
                    {
                        r0 = Vector.Round(row);
                        c0f = Vector.Round(col);
                    }
                    var ri = Vector.ConvertToInt32(r0);
                    var ci = Vector.ConvertToInt32(c0f);
                    bool inside = Vector.GreaterThanOrEqualAll(ri, zero) && Vector.LessThanOrEqualAll(ri, lastRow)
                        && Vector.GreaterThanOrEqualAll(ci, zero) && Vector.LessThanOrEqualAll(ci, lastCol);
                    if (!inside)
                    {
                        ScalarTaps(t, i, j0 + jj, v, index + jj, weight + jj);
                        continue;
                    }
                    var pixel = ri * width + ci;
                    if (Bilinear)
                    {
                        var wr1 = row - r0;
                        var wc1 = col - c0f;
                        var wr0 = Vector<float>.One - wr1;
                        var wc0 = Vector<float>.One - wc1;
                        Vector.Store(pixel, index + jj);
                        Vector.Store(pixel + Vector<int>.One, index + AffineBlock + jj);
                        Vector.Store(pixel + width, index + 2 * AffineBlock + jj);
                        Vector.Store(pixel + width + Vector<int>.One, index + 3 * AffineBlock + jj);
                        Vector.Store(wr0 * wc0, weight + jj);
                        Vector.Store(wr0 * wc1, weight + AffineBlock + jj);
                        Vector.Store(wr1 * wc0, weight + 2 * AffineBlock + jj);
                        Vector.Store(wr1 * wc1, weight + 3 * AffineBlock + jj);
                    }
                    else
                    {
                        Vector.Store(pixel, index + jj);
                        Vector.Store(Vector<float>.One, weight + jj);
                    }
                }
            }
            if (jj < count)
            {
                ScalarTaps(t, i, j0 + jj, count - jj, index + jj, weight + jj);
            }
        }

        /// <summary>The taps of <paramref name="count"/> pixels from column j, one at a time, with Keras's index fixing.</summary>
        private readonly void ScalarTaps(float* t, int i, int j, int count, int* index, float* weight)
        {
            float fi = i;
            for (int p = 0; p < count; p++)
            {
                float fj = j + p;
                // The vector path's operations in its order: (base + a * j) + offset.
                float k = t[7] * fi + t[6] * fj + 1f;
                float col = (t[1] * fi + t[0] * fj + t[2]) / k;
                float row = (t[4] * fi + t[3] * fj + t[5]) / k;
                if (k == 0f || float.IsNaN(col) || float.IsNaN(row))
                {
                    // TensorFlow's rule for points at infinity: the fill value, whatever the mode.
                    index[p] = -1;
                    weight[p] = 1f;
                    for (int tap = 1; tap < Taps; tap++)
                    {
                        weight[tap * AffineBlock + p] = 0f;
                    }
                    continue;
                }
                col = Math.Clamp(col, -AffineCoordinateLimit, AffineCoordinateLimit);
                row = Math.Clamp(row, -AffineCoordinateLimit, AffineCoordinateLimit);
                if (Bilinear)
                {
                    float r0 = MathF.Floor(row), c0 = MathF.Floor(col);
                    float wr1 = row - r0, wc1 = col - c0;
                    float wr0 = 1f - wr1, wc0 = 1f - wc1;
                    int ri = (int)r0, ci = (int)c0;
                    Tap(0, p, ri, ci, wr0 * wc0, index, weight);
                    Tap(1, p, ri, ci + 1, wr0 * wc1, index, weight);
                    Tap(2, p, ri + 1, ci, wr1 * wc0, index, weight);
                    Tap(3, p, ri + 1, ci + 1, wr1 * wc1, index, weight);
                }
                else
                {
                    Tap(0, p, (int)MathF.Round(row, MidpointRounding.ToEven), (int)MathF.Round(col, MidpointRounding.ToEven), 1f, index, weight);
                }
            }
        }

        private readonly void Tap(int tap, int p, int r, int c, float wt, int* index, float* weight)
        {
            weight[tap * AffineBlock + p] = wt;
            if (Mode == AffineFillMode.Constant && (r < 0 || r >= H || c < 0 || c >= W))
            {
                index[tap * AffineBlock + p] = -1;
                return;
            }
            index[tap * AffineBlock + p] = Fix(r, H) * W + Fix(c, W);
        }

        private readonly int Fix(int i, int size)
        {
            if ((uint)i < (uint)size)
            {
                return i;
            }
            switch (Mode)
            {
                case AffineFillMode.Wrap:
                    int m = i % size;
                    return m < 0 ? m + size : m;
                case AffineFillMode.Reflect:
                    // (d c b a | a b c d | d c b a): period 2 size, the second half read backwards.
                    int period = 2 * size;
                    int q = i % period;
                    q = q < 0 ? q + period : q;
                    return q < size ? q : period - 1 - q;
                default:
                    return i < 0 ? 0 : size - 1;
            }
        }

        private static Vector<float> Iota()
        {
            Span<float> lanes = stackalloc float[Vector<float>.Count];
            for (int l = 0; l < lanes.Length; l++)
            {
                lanes[l] = l;
            }
            return new Vector<float>(lanes);
        }
    }

    private struct AffineBackBody : IRangeBody
    {
        public AffineBody Inner;

        public readonly void Run(int start, int end)
        {
            var p = Inner;
            int taps = p.Bilinear ? 4 : 1;
            int* index = stackalloc int[4 * AffineBlock];
            float* weight = stackalloc float[4 * AffineBlock];
            for (int b = start; b < end; b++)
            {
                float* image = p.X + (long)b * p.H * p.W * p.C;
                for (int i = 0; i < p.OH; i++)
                {
                    for (int j0 = 0; j0 < p.OW; j0 += AffineBlock)
                    {
                        int count = Math.Min(AffineBlock, p.OW - j0);
                        p.PlanTaps(b, i, j0, count, index, weight);
                        for (int jj = 0; jj < count; jj++)
                        {
                            float* g = p.Y + ((((long)b * p.OH + i) * p.OW) + j0 + jj) * p.C;
                            for (int t = 0; t < taps; t++)
                            {
                                int src = index[t * AffineBlock + jj];
                                float wt = weight[t * AffineBlock + jj];
                                if (src >= 0 && wt != 0f)
                                {
                                    MultiplyAdd(image + (long)src * p.C, g, wt, p.C);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
