using System.Numerics;

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

    /// <summary>
    /// Keys per block: wide, so that sequences up to this length meet their keys in one GEMM per query block (the
    /// per-call packing dominated 64-key tiles at head dims near 32) and skip the running rescale; a (BlockQ x BlockK) tile is 64 KiB.
    /// </summary>
    internal const int BlockK = 256;

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
    /// Turns a (rows, cols) tile of raw scores q.k (row stride cols) into logits in place: scaled, biased,
    /// and causally hidden keys set to <see cref="AttentionGeometry.LargeNegative"/>; rows start at query q0, columns at key k0.
    /// </summary>
    private static void Logits(float* s, int rows, int cols, int q0, int k0, int b, int n, in AttentionGeometry g, float* bias)
    {
        float scale = g.Scale;
        var vs = new Vector<float>(scale);
        int w = Vector<float>.Count;
        for (int r = 0; r < rows; r++)
        {
            float* row = s + (long)r * cols;
            int i = q0 + r;
            // Keys past the diagonal are hidden whatever their score and bias; only the visible prefix is computed.
            int visible = g.Causal ? Math.Clamp(i - k0 + 1, 0, cols) : cols;
            int c = 0;
            if (bias is null)
            {
                for (; c <= visible - w; c += w)
                {
                    (Vector.Load(row + c) * vs).Store(row + c);
                }
                for (; c < visible; c++)
                {
                    row[c] *= scale;
                }
            }
            else
            {
                float* brow = bias + b * g.BiasBatchStride + n * g.BiasHeadStride + (long)i * g.KeyLength + k0;
                for (; c <= visible - w; c += w)
                {
                    (Vector.Load(row + c) * vs + Vector.Load(brow + c)).Store(row + c);
                }
                for (; c < visible; c++)
                {
                    row[c] = row[c] * scale + brow[c];
                }
            }
            for (c = visible; c < cols; c++)
            {
                row[c] = AttentionGeometry.LargeNegative;
            }
        }
    }

    /// <summary>The largest of <paramref name="start"/> and a row's values.</summary>
    private static float RowMax(float* row, int cols, float start)
    {
        int w = Vector<float>.Count, c = 0;
        float max = start;
        if (cols >= w)
        {
            var vm = Vector.Load(row);
            for (c = w; c <= cols - w; c += w)
            {
                vm = Vector.Max(vm, Vector.Load(row + c));
            }
            for (int j = 0; j < w; j++)
            {
                max = MathF.Max(max, vm[j]);
            }
        }
        for (; c < cols; c++)
        {
            max = MathF.Max(max, row[c]);
        }
        return max;
    }

    /// <summary>
    /// Replaces a row's values x by exp((x - shift) - logSum) and returns their sum; the vector exponential runs on whole vectors
    /// and the scalar one on the tail, in the same order at every thread count. The two shifts stay apart because a fully
    /// masked row's logits are near -1e9, where adding the log-sum to the maximum first would round it away.
    /// </summary>
    private static float ExpShifted(float* row, int cols, float shift, float logSum)
    {
        int w = Vector<float>.Count, c = 0;
        var vshift = new Vector<float>(shift);
        var vlog = new Vector<float>(logSum);
        var acc = Vector<float>.Zero;
        for (; c <= cols - w; c += w)
        {
            var e = Vector.Exp(Vector.Load(row + c) - vshift - vlog);
            e.Store(row + c);
            acc += e;
        }
        float sum = Vector.Sum(acc);
        for (; c < cols; c++)
        {
            float e = MathF.Exp(row[c] - shift - logSum);
            row[c] = e;
            sum += e;
        }
        return sum;
    }

    /// <summary>Multiplies a row by <paramref name="factor"/>.</summary>
    private static void ScaleRow(float* row, int cols, float factor)
    {
        int w = Vector<float>.Count, c = 0;
        var vf = new Vector<float>(factor);
        for (; c <= cols - w; c += w)
        {
            (Vector.Load(row + c) * vf).Store(row + c);
        }
        for (; c < cols; c++)
        {
            row[c] *= factor;
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
                        Gemm2(Level, qs + (long)q0 * d, ks + (long)k0 * d, s, rows, cols, d, false, true, false);
                        Logits(s, rows, cols, q0, k0, b, n, g, Bias);
                        for (int r = 0; r < rows; r++)
                        {
                            float* row = s + (long)r * cols;
                            float max = RowMax(row, cols, m[r]);
                            float alpha = float.IsNegativeInfinity(m[r]) ? 0f : MathF.Exp(m[r] - max);
                            float sum = ExpShifted(row, cols, max, 0f);
                            l[r] = l[r] * alpha + sum;
                            m[r] = max;
                            // Before the first key block the accumulator is still zero: nothing to rescale.
                            if (alpha != 1f && k0 > 0)
                            {
                                ScaleRow(o + r * dv, dv, alpha);
                            }
                        }
                        Gemm2(Level, s, vs + (long)k0 * dv, o, rows, dv, cols, false, false, true);
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

    /// <summary>dp[c] = p[c] (dp[c] - rowDot) for the first <paramref name="visible"/> columns, 0 for the rest (the softmax's input gradient).</summary>
    private static void SoftmaxGrad(float* p, float* dp, int visible, int cols, float rowDot)
    {
        int w = Vector<float>.Count, c = 0;
        var vd = new Vector<float>(rowDot);
        for (; c <= visible - w; c += w)
        {
            (Vector.Load(p + c) * (Vector.Load(dp + c) - vd)).Store(dp + c);
        }
        for (; c < visible; c++)
        {
            dp[c] = p[c] * (dp[c] - rowDot);
        }
        for (; c < cols; c++)
        {
            dp[c] = 0f;
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
                        Gemm2(Level, qs + (long)q0 * d, ks + (long)k0 * d, p, rows, cols, d, false, true, false);
                        Logits(p, rows, cols, q0, k0, b, n, g, Bias);
                        for (int r = 0; r < rows; r++)
                        {
                            ExpShifted(p + (long)r * cols, cols, rowMax[r], rowLogSum[r]);
                        }
                        // dV[k0..] += P^T dO;  dP = dO V^T.
                        Gemm2(Level, p, gs + (long)q0 * dv, dvs + (long)k0 * dv, cols, dv, rows, true, false, true);
                        Gemm2(Level, gs + (long)q0 * dv, vs + (long)k0 * dv, dp, rows, cols, dv, false, true, false);
                        for (int r = 0; r < rows; r++)
                        {
                            int i = q0 + r;
                            // A causally hidden logit is a constant: nothing flows back through it to q or k.
                            int visible = g.Causal ? Math.Clamp(i - k0 + 1, 0, cols) : cols;
                            SoftmaxGrad(p + (long)r * cols, dp + (long)r * cols, visible, cols, rowDot[i]);
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
