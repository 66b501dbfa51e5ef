namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Dot-product attention in one blocked pass per (batch, head), flash-attention style: a head's keys and values are
/// gathered once into contiguous panels, then each block of query rows meets the keys block by block through the
/// packed GEMM, keeping a running maximum and exp-sum per row (online softmax) and accumulating the value product,
/// so only a (block x block) tile of scores ever exists, never the (queryLength x keyLength) matrix. The backward
/// recomputes each tile's probabilities from the saved row statistics (largest logit and log exp-sum). Items (batch x heads) run in parallel; each writes
/// only its own head's rows, so results do not depend on the thread count.
/// </summary>
internal static unsafe class FlashAttention
{
    /// <summary>Query rows per block.</summary>
    internal const int BlockQ = 64;

    /// <summary>Keys per block.</summary>
    internal const int BlockK = 64;

    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>The forward on the GEMM of one SIMD level (tests run every level); see <see cref="IAttentionKernels.DotProductAttention"/>.</summary>
    public static void Forward(SimdLevel level, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, Span<float> output, Span<float> rowStats)
    {
        Check(q, k, v, bias, g, output, rowStats);
        fixed (float* pq = q, pk = k, pv = v, pb = bias, po = output, pl = rowStats)
        {
            var body = new ForwardBody { Level = level, G = g, Q = pq, K = pk, V = pv, Bias = bias.IsEmpty ? null : pb, Out = po, Stats = pl };
            CpuParallel.For(g.Batch * g.Heads, Work(g), ref body);
        }
    }

    /// <summary>The backward on the GEMM of one SIMD level; see <see cref="IAttentionKernels.DotProductAttentionBackward"/>.</summary>
    public static void Backward(SimdLevel level, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, ReadOnlySpan<float> output, ReadOnlySpan<float> rowStats, ReadOnlySpan<float> outputGrad,
        Span<float> dq, Span<float> dk, Span<float> dv)
    {
        Check(q, k, v, bias, g, output, rowStats);
        if (outputGrad.Length < output.Length || dq.Length < q.Length || dk.Length < k.Length || dv.Length < v.Length)
        {
            throw new ArgumentException("Internal error: dot_product_attention gradient buffers are smaller than their tensors.");
        }
        fixed (float* pq = q, pk = k, pv = v, pb = bias, po = output, pl = rowStats, pg = outputGrad, pdq = dq, pdk = dk, pdv = dv)
        {
            var body = new BackwardBody
            {
                Level = level, G = g, Q = pq, K = pk, V = pv, Bias = bias.IsEmpty ? null : pb, Out = po, Stats = pl, OutGrad = pg,
                DQ = pdq, DK = pdk, DV = pdv,
            };
            CpuParallel.For(g.Batch * g.Heads, 3 * Work(g), ref body);
        }
    }

    /// <summary>Work of one (batch, head) item in element-equivalents: the two products (a multiply-add counts 1/16) and the exponentials.</summary>
    private static long Work(AttentionGeometry g) => (long)g.QueryLength * g.KeyLength * (g.KeyDim + g.ValueDim) / 16 + 4L * g.QueryLength * g.KeyLength;

    private static void Check(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, ReadOnlySpan<float> output, ReadOnlySpan<float> rowStats)
    {
        long bn = (long)g.Batch * g.Heads;
        if (q.Length < bn * g.QueryLength * g.KeyDim || k.Length < bn * g.KeyLength * g.KeyDim || v.Length < bn * g.KeyLength * g.ValueDim
            || output.Length < bn * g.QueryLength * g.ValueDim || rowStats.Length < 2 * bn * g.QueryLength
            || (!bias.IsEmpty && bias.Length < (g.Batch - 1) * g.BiasBatchStride + (g.Heads - 1) * g.BiasHeadStride + (long)g.QueryLength * g.KeyLength))
        {
            throw new ArgumentException($"Internal error: dot_product_attention buffers too small for {g}.");
        }
    }

    private static float* Scratch(long floats, out float[] keep)
    {
        var s = t_scratch;
        if (s is null || s.Length < floats)
        {
            s = t_scratch = GC.AllocateUninitializedArray<float>((int)Math.Max(floats, (s?.Length ?? 0) * 3L / 2), pinned: true);
        }
        keep = s;
        return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s[0]);
    }

    /// <summary>Copies head n of sample b of a (batch, length, heads, width) tensor into a contiguous (length, width) panel.</summary>
    private static void Gather(float* src, float* dst, int b, int n, int length, int heads, int width)
    {
        for (int t = 0; t < length; t++)
        {
            new ReadOnlySpan<float>(src + ((long)(b * length + t) * heads + n) * width, width).CopyTo(new Span<float>(dst + (long)t * width, width));
        }
    }

    /// <summary>Writes a contiguous (length, width) panel, times <paramref name="scale"/>, into head n of sample b of a (batch, length, heads, width) tensor.</summary>
    private static void Scatter(float* src, float* dst, int b, int n, int length, int heads, int width, float scale)
    {
        for (int t = 0; t < length; t++)
        {
            float* s = src + (long)t * width;
            float* d = dst + ((long)(b * length + t) * heads + n) * width;
            for (int c = 0; c < width; c++)
            {
                d[c] = s[c] * scale;
            }
        }
    }

    private static void Gemm2(SimdLevel level, float* a, float* b, float* c, int m, int n, int k, bool transA, bool transB, bool accumulate) =>
        Gemm.Multiply(level, new ReadOnlySpan<float>(a, m * k), new ReadOnlySpan<float>(b, k * n), new Span<float>(c, m * n),
            m, n, k, transA, transB, accumulate, default, EpilogueActivation.None);

    /// <summary>
    /// Turns a (rows, cols) tile of raw scores q.k (row stride <see cref="BlockK"/>) into logits in place: scaled, biased,
    /// and causally hidden keys set to <see cref="AttentionGeometry.LargeNegative"/>; returns nothing, rows start at query q0, columns at key k0.
    /// </summary>
    private static void Logits(float* s, int rows, int cols, int q0, int k0, int b, int n, in AttentionGeometry g, float* bias)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = s + r * BlockK;
            int i = q0 + r;
            float* brow = bias is null ? null : bias + b * g.BiasBatchStride + n * g.BiasHeadStride + (long)i * g.KeyLength + k0;
            for (int c = 0; c < cols; c++)
            {
                row[c] = g.Causal && k0 + c > i ? AttentionGeometry.LargeNegative : row[c] * g.Scale + (brow is null ? 0f : brow[c]);
            }
        }
    }

    /// <summary>The end of the keys a causal query block needs (later keys are hidden from every row of it).</summary>
    private static int CausalEnd(in AttentionGeometry g, int q0, int rows) => g.Causal ? Math.Min(g.KeyLength, q0 + rows) : g.KeyLength;

    private struct ForwardBody : IRangeBody
    {
        public SimdLevel Level;
        public AttentionGeometry G;
        public float* Q, K, V, Bias, Out, Stats;

        public void Run(int start, int end)
        {
            var g = G;
            int tq = g.QueryLength, tk = g.KeyLength, d = g.KeyDim, dv = g.ValueDim;
            long qh = (long)tq * d, kh = (long)tk * d, vh = (long)tk * dv;
            float* qs = Scratch(qh + kh + vh + BlockQ * BlockK + BlockQ * dv + 2 * BlockQ, out var keep);
            float* ks = qs + qh, vs = ks + kh, s = vs + vh, o = s + BlockQ * BlockK, m = o + BlockQ * dv, l = m + BlockQ;
            for (int item = start; item < end; item++)
            {
                int b = item / g.Heads, n = item % g.Heads;
                Gather(Q, qs, b, n, tq, g.Heads, d);
                Gather(K, ks, b, n, tk, g.Heads, d);
                Gather(V, vs, b, n, tk, g.Heads, dv);
                for (int q0 = 0; q0 < tq; q0 += BlockQ)
                {
                    int rows = Math.Min(BlockQ, tq - q0);
                    new Span<float>(o, rows * dv).Clear();
                    for (int r = 0; r < rows; r++)
                    {
                        m[r] = float.NegativeInfinity;
                        l[r] = 0f;
                    }
                    int limit = CausalEnd(g, q0, rows);
                    for (int k0 = 0; k0 < tk;)
                    {
                        if (k0 >= limit)
                        {
                            // A row that saw only hidden keys so far spreads over all of them, as Keras's softmax of equal logits does.
                            if (!AnyBelow(m, rows))
                            {
                                break;
                            }
                            limit = tk;
                        }
                        int cols = Math.Min(BlockK, limit - k0);
                        // Scores go to a tile of row stride BlockK; the GEMM writes rows of cols, so it runs per tile with n = cols.
                        Tile(Level, qs + (long)q0 * d, ks + (long)k0 * d, s, rows, cols, d);
                        Logits(s, rows, cols, q0, k0, b, n, g, Bias);
                        for (int r = 0; r < rows; r++)
                        {
                            float* row = s + r * BlockK;
                            float max = m[r];
                            for (int c = 0; c < cols; c++)
                            {
                                max = MathF.Max(max, row[c]);
                            }
                            float alpha = float.IsNegativeInfinity(m[r]) ? 0f : MathF.Exp(m[r] - max);
                            float sum = 0f;
                            for (int c = 0; c < cols; c++)
                            {
                                float e = MathF.Exp(row[c] - max);
                                row[c] = e;
                                sum += e;
                            }
                            l[r] = l[r] * alpha + sum;
                            m[r] = max;
                            if (alpha != 1f)
                            {
                                float* orow = o + r * dv;
                                for (int c = 0; c < dv; c++)
                                {
                                    orow[c] *= alpha;
                                }
                            }
                        }
                        TileTimes(Level, s, vs + (long)k0 * dv, o, rows, cols, dv);
                        k0 += cols;
                    }
                    float* rowMax = Stats + ((long)item * tq) + q0;
                    float* rowLogSum = rowMax + (long)g.Batch * g.Heads * tq;
                    for (int r = 0; r < rows; r++)
                    {
                        float inv = 1f / l[r];
                        float* orow = o + r * dv;
                        float* dst = Out + ((long)(b * tq + q0 + r) * g.Heads + n) * dv;
                        for (int c = 0; c < dv; c++)
                        {
                            dst[c] = orow[c] * inv;
                        }
                        rowMax[r] = m[r];
                        rowLogSum[r] = MathF.Log(l[r]);
                    }
                }
            }
            GC.KeepAlive(keep);
        }
    }

    private static bool AnyBelow(float* m, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            if (m[r] < AttentionGeometry.AllHiddenThreshold)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>s (rows, cols; row stride BlockK) = qb (rows, d) kb^T (kb: cols, d).</summary>
    private static void Tile(SimdLevel level, float* qb, float* kb, float* s, int rows, int cols, int d)
    {
        if (cols == BlockK)
        {
            Gemm2(level, qb, kb, s, rows, cols, d, false, true, false);
            return;
        }
        // A narrower last tile: the GEMM writes it packed, then rows move out to the BlockK stride (from the last, so nothing is overwritten unread).
        Gemm2(level, qb, kb, s, rows, cols, d, false, true, false);
        for (int r = rows - 1; r > 0; r--)
        {
            new ReadOnlySpan<float>(s + r * cols, cols).CopyTo(new Span<float>(s + r * BlockK, cols));
        }
    }

    /// <summary>o (rows, dv) += p (rows, cols; row stride BlockK) vb (cols, dv).</summary>
    private static void TileTimes(SimdLevel level, float* p, float* vb, float* o, int rows, int cols, int dv)
    {
        Pack(p, rows, cols);
        Gemm2(level, p, vb, o, rows, dv, cols, false, false, true);
    }

    /// <summary>Moves a (rows, cols) tile of row stride BlockK to row stride cols, in place (from the first row, so nothing is overwritten unread).</summary>
    private static void Pack(float* p, int rows, int cols)
    {
        if (cols == BlockK)
        {
            return;
        }
        for (int r = 1; r < rows; r++)
        {
            new ReadOnlySpan<float>(p + r * BlockK, cols).CopyTo(new Span<float>(p + r * cols, cols));
        }
    }

    private struct BackwardBody : IRangeBody
    {
        public SimdLevel Level;
        public AttentionGeometry G;
        public float* Q, K, V, Bias, Out, Stats, OutGrad, DQ, DK, DV;

        public void Run(int start, int end)
        {
            var g = G;
            int tq = g.QueryLength, tk = g.KeyLength, d = g.KeyDim, dv = g.ValueDim;
            long qh = (long)tq * d, kh = (long)tk * d, vh = (long)tk * dv, oh = (long)tq * dv;
            float* qs = Scratch(2 * qh + 2 * kh + 2 * vh + oh + tq + 2 * BlockQ * BlockK, out var keep);
            float* ks = qs + qh, vs = ks + kh, gs = vs + vh, rowDot = gs + oh, dqs = rowDot + tq, dks = dqs + qh, dvs = dks + kh;
            float* p = dvs + vh, dp = p + BlockQ * BlockK;
            for (int item = start; item < end; item++)
            {
                int b = item / g.Heads, n = item % g.Heads;
                Gather(Q, qs, b, n, tq, g.Heads, d);
                Gather(K, ks, b, n, tk, g.Heads, d);
                Gather(V, vs, b, n, tk, g.Heads, dv);
                Gather(OutGrad, gs, b, n, tq, g.Heads, dv);
                for (int i = 0; i < tq; i++)
                {
                    float* o = Out + ((long)(b * tq + i) * g.Heads + n) * dv;
                    float* gr = gs + (long)i * dv;
                    float sum = 0f;
                    for (int c = 0; c < dv; c++)
                    {
                        sum += gr[c] * o[c];
                    }
                    rowDot[i] = sum;
                }
                new Span<float>(dqs, (int)(qh + kh + vh)).Clear();
                float* maxAll = Stats + (long)item * tq;
                float* logSumAll = maxAll + (long)g.Batch * g.Heads * tq;
                for (int q0 = 0; q0 < tq; q0 += BlockQ)
                {
                    int rows = Math.Min(BlockQ, tq - q0);
                    float* rowMax = maxAll + q0, rowLogSum = logSumAll + q0;
                    int limit = CausalEnd(g, q0, rows);
                    if (limit < tk && AnyBelow(rowMax, rows))
                    {
                        limit = tk;
                    }
                    for (int k0 = 0; k0 < limit; k0 += BlockK)
                    {
                        int cols = Math.Min(BlockK, limit - k0);
                        Tile(Level, qs + (long)q0 * d, ks + (long)k0 * d, p, rows, cols, d);
                        Logits(p, rows, cols, q0, k0, b, n, g, Bias);
                        for (int r = 0; r < rows; r++)
                        {
                            float* row = p + r * BlockK;
                            float max = rowMax[r], logSum = rowLogSum[r];
                            for (int c = 0; c < cols; c++)
                            {
                                row[c] = MathF.Exp(row[c] - max - logSum);
                            }
                        }
                        Pack(p, rows, cols);
                        // dV[k0..] += P^T dO;  dP = dO V^T.
                        Gemm2(Level, p, gs + (long)q0 * dv, dvs + (long)k0 * dv, cols, dv, rows, true, false, true);
                        Gemm2(Level, gs + (long)q0 * dv, vs + (long)k0 * dv, dp, rows, cols, dv, false, true, false);
                        for (int r = 0; r < rows; r++)
                        {
                            int i = q0 + r;
                            float* pr = p + r * cols, dr = dp + r * cols;
                            for (int c = 0; c < cols; c++)
                            {
                                // A causally hidden logit is a constant: nothing flows back through it to q or k.
                                dr[c] = g.Causal && k0 + c > i ? 0f : pr[c] * (dr[c] - rowDot[i]);
                            }
                        }
                        // dQ[q0..] += dS K;  dK[k0..] += dS^T Q (the scale is applied once, on the way out).
                        Gemm2(Level, dp, ks + (long)k0 * d, dqs + (long)q0 * d, rows, d, cols, false, false, true);
                        Gemm2(Level, dp, qs + (long)q0 * d, dks + (long)k0 * d, cols, d, rows, true, false, true);
                    }
                }
                Scatter(dqs, DQ, b, n, tq, g.Heads, d, g.Scale);
                Scatter(dks, DK, b, n, tk, g.Heads, d, g.Scale);
                Scatter(dvs, DV, b, n, tk, g.Heads, dv, 1f);
            }
            GC.KeepAlive(keep);
        }
    }
}
