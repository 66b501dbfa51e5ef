namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Kernels of batch and layer normalization over a [rows, channels] matrix (channels last). Sums
/// over rows are taken per fixed block of rows and the blocks added in order, so results do not
/// depend on the thread count.
/// </summary>
internal static unsafe class Normalization
{
    /// <summary>Rows per block of a per-channel sum.</summary>
    public const int BlockRows = 256;

    /// <summary>Number of row blocks for <paramref name="rows"/> rows (the partial-sum scratch holds this many rows of channels, twice).</summary>
    public static int Blocks(int rows) => Math.Max(1, (rows + BlockRows - 1) / BlockRows);

    /// <summary>mean and biased variance of each channel over the rows (two passes).</summary>
    public static void Moments(ReadOnlySpan<float> x, int rows, int c, Span<float> mean, Span<float> variance, Span<float> partial)
    {
        ChannelSums(x, default, mean, rows, c, SumMode.Sum, partial, mean, default);
        float inv = 1f / Math.Max(1, rows);
        for (int j = 0; j < c; j++)
        {
            mean[j] *= inv;
        }
        ChannelSums(x, default, mean, rows, c, SumMode.CenteredSquares, partial, variance, default);
        for (int j = 0; j < c; j++)
        {
            variance[j] *= inv;
        }
    }

    /// <summary>Per channel: sumG = sum of g, sumGX = sum of g (x - center).</summary>
    public static void GradSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center, int rows, int c,
        Span<float> partial, Span<float> sumG, Span<float> sumGX) =>
        ChannelSums(g, x, center, rows, c, SumMode.GradSums, partial, sumG, sumGX);

    /// <summary>y = x * scale + shift, per channel.</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y, int rows, int c)
    {
        fixed (float* px = x)
        fixed (float* ps = scale)
        fixed (float* pb = shift)
        fixed (float* py = y)
        {
            var body = new ScaleShiftBody(px, ps, pb, py, c);
            CpuParallel.For(rows, c, ref body);
        }
    }

    /// <summary>dx = a * g + b * (x - center) + d, per channel (the batch-normalization input gradient with a, b, d per channel).</summary>
    public static void GradInput(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> d, Span<float> dx, int rows, int c)
    {
        fixed (float* pg = g)
        fixed (float* px = x)
        fixed (float* pm = center)
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pd = d)
        fixed (float* pdx = dx)
        {
            var body = new GradInputBody(pg, px, pm, pa, pb, pd, pdx, c);
            CpuParallel.For(rows, c, ref body);
        }
    }

    private enum SumMode
    {
        Sum,
        CenteredSquares,
        GradSums,
    }

    private static void ChannelSums(ReadOnlySpan<float> a, ReadOnlySpan<float> x, ReadOnlySpan<float> center, int rows, int c,
        SumMode mode, Span<float> partial, Span<float> out1, Span<float> out2)
    {
        int blocks = Blocks(rows);
        fixed (float* pa = a)
        fixed (float* px = x)
        fixed (float* pm = center)
        fixed (float* pp = partial)
        {
            var body = new SumBody(pa, px, pm, pp, pp + (long)blocks * c, rows, c, mode);
            CpuParallel.For(blocks, (long)BlockRows * c, ref body);
            out1[..c].Clear();
            if (mode == SumMode.GradSums)
            {
                out2[..c].Clear();
            }
            for (int blk = 0; blk < blocks; blk++)
            {
                for (int j = 0; j < c; j++)
                {
                    out1[j] += pp[(long)blk * c + j];
                    if (mode == SumMode.GradSums)
                    {
                        out2[j] += pp[(long)(blocks + blk) * c + j];
                    }
                }
            }
        }
    }

    private readonly struct SumBody(float* a, float* x, float* center, float* p1, float* p2, int rows, int c, SumMode mode) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int blk = start; blk < end; blk++)
            {
                float* s1 = p1 + (long)blk * c;
                float* s2 = p2 + (long)blk * c;
                new Span<float>(s1, c).Clear();
                if (mode == SumMode.GradSums)
                {
                    new Span<float>(s2, c).Clear();
                }
                int r1 = Math.Min(rows, (blk + 1) * BlockRows);
                for (int r = blk * BlockRows; r < r1; r++)
                {
                    float* ar = a + (long)r * c;
                    switch (mode)
                    {
                        case SumMode.Sum:
                            for (int j = 0; j < c; j++)
                            {
                                s1[j] += ar[j];
                            }
                            break;
                        case SumMode.CenteredSquares:
                            for (int j = 0; j < c; j++)
                            {
                                float d = ar[j] - center[j];
                                s1[j] += d * d;
                            }
                            break;
                        default:
                            float* xr = x + (long)r * c;
                            for (int j = 0; j < c; j++)
                            {
                                s1[j] += ar[j];
                                s2[j] += ar[j] * (xr[j] - center[j]);
                            }
                            break;
                    }
                }
            }
        }
    }

    private readonly struct ScaleShiftBody(float* x, float* scale, float* shift, float* y, int c) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                float* xr = x + (long)r * c;
                float* yr = y + (long)r * c;
                for (int j = 0; j < c; j++)
                {
                    yr[j] = xr[j] * scale[j] + shift[j];
                }
            }
        }
    }

    private readonly struct GradInputBody(float* g, float* x, float* center, float* a, float* b, float* d, float* dx, int c) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                long o = (long)r * c;
                for (int j = 0; j < c; j++)
                {
                    dx[o + j] = a[j] * g[o + j] + b[j] * (x[o + j] - center[j]) + d[j];
                }
            }
        }
    }

    /// <summary>
    /// Layer normalization of each row over its channels: y = (x - mean) / sqrt(var + eps) * gamma + beta
    /// (gamma, beta optional); the rows' means and inverse deviations are kept for the backward.
    /// </summary>
    public static void LayerForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> mean, Span<float> invStd, int rows, int c, float epsilon)
    {
        fixed (float* px = x)
        fixed (float* pg = gamma)
        fixed (float* pb = beta)
        fixed (float* py = y)
        fixed (float* pm = mean)
        fixed (float* pi = invStd)
        {
            var body = new LayerForwardBody(px, gamma.IsEmpty ? null : pg, beta.IsEmpty ? null : pb, py, pm, pi, c, epsilon);
            CpuParallel.For(rows, c, ref body);
        }
    }

    /// <summary>
    /// Layer normalization backward: dx per row, and per block of rows the partial sums of
    /// g * xhat and g over rows (summed in order by the caller for dgamma and dbeta).
    /// </summary>
    public static void LayerBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> invStd, Span<float> dx, Span<float> partial, Span<float> dgamma, Span<float> dbeta, int rows, int c, bool wantDx)
    {
        int blocks = Blocks(rows);
        fixed (float* pg = g)
        fixed (float* px = x)
        fixed (float* pga = gamma)
        fixed (float* pm = mean)
        fixed (float* pi = invStd)
        fixed (float* pdx = dx)
        fixed (float* pp = partial)
        {
            var body = new LayerBackwardBody(pg, px, gamma.IsEmpty ? null : pga, pm, pi, wantDx ? pdx : null, pp, pp + (long)blocks * c, rows, c);
            CpuParallel.For(blocks, (long)BlockRows * c * 2, ref body);
            for (int j = 0; j < c; j++)
            {
                float sg = 0, sgx = 0;
                for (int blk = 0; blk < blocks; blk++)
                {
                    sgx += pp[(long)blk * c + j];
                    sg += pp[(long)(blocks + blk) * c + j];
                }
                if (!dgamma.IsEmpty)
                {
                    dgamma[j] = sgx;
                }
                if (!dbeta.IsEmpty)
                {
                    dbeta[j] = sg;
                }
            }
        }
    }

    private readonly struct LayerForwardBody(float* x, float* gamma, float* beta, float* y, float* mean, float* invStd, int c, float epsilon) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                float* xr = x + (long)r * c;
                float* yr = y + (long)r * c;
                float s = 0;
                for (int j = 0; j < c; j++)
                {
                    s += xr[j];
                }
                float m = s / c;
                float v = 0;
                for (int j = 0; j < c; j++)
                {
                    float d = xr[j] - m;
                    v += d * d;
                }
                float inv = 1f / MathF.Sqrt(v / c + epsilon);
                mean[r] = m;
                invStd[r] = inv;
                for (int j = 0; j < c; j++)
                {
                    float h = (xr[j] - m) * inv;
                    yr[j] = h * (gamma is null ? 1f : gamma[j]) + (beta is null ? 0f : beta[j]);
                }
            }
        }
    }

    private readonly struct LayerBackwardBody(float* g, float* x, float* gamma, float* mean, float* invStd, float* dx, float* pgx, float* pg, int rows, int c) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int blk = start; blk < end; blk++)
            {
                float* sgx = pgx + (long)blk * c;
                float* sg = pg + (long)blk * c;
                new Span<float>(sgx, c).Clear();
                new Span<float>(sg, c).Clear();
                int r1 = Math.Min(rows, (blk + 1) * BlockRows);
                for (int r = blk * BlockRows; r < r1; r++)
                {
                    float* gr = g + (long)r * c;
                    float* xr = x + (long)r * c;
                    float m = mean[r], inv = invStd[r];
                    float meanDh = 0, meanDhH = 0;
                    for (int j = 0; j < c; j++)
                    {
                        float h = (xr[j] - m) * inv;
                        sgx[j] += gr[j] * h;
                        sg[j] += gr[j];
                        float dh = gr[j] * (gamma is null ? 1f : gamma[j]);
                        meanDh += dh;
                        meanDhH += dh * h;
                    }
                    if (dx is null)
                    {
                        continue;
                    }
                    meanDh /= c;
                    meanDhH /= c;
                    float* dr = dx + (long)r * c;
                    for (int j = 0; j < c; j++)
                    {
                        float h = (xr[j] - m) * inv;
                        float dh = gr[j] * (gamma is null ? 1f : gamma[j]);
                        dr[j] = inv * (dh - meanDh - h * meanDhH);
                    }
                }
            }
        }
    }
}
