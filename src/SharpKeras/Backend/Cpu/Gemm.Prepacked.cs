using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>The GEMM with B packed before the call (<see cref="GemmPanels"/>): weights kept packed between calls.</summary>
internal static unsafe partial class Gemm
{
    /// <summary>op(B) [K, N] (B stored [N, K] when <paramref name="transB"/>) packed for products at <see cref="Level"/>.</summary>
    public static GemmPanels PackPanels(ReadOnlySpan<float> b, int k, int n, bool transB) => PackPanels(s_tiling.Level, b, k, n, transB, null);

    /// <summary>
    /// op(B) packed for products on the kernel of <paramref name="level"/>, into <paramref name="reuse"/> when it was
    /// packed for the same level and shape (its owner's alone: a shared packing is never overwritten), else a new one.
    /// </summary>
    internal static GemmPanels PackPanels(SimdLevel level, ReadOnlySpan<float> b, int k, int n, bool transB, GemmPanels? reuse)
    {
        if (level > Best)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"This CPU accelerates at most {Best}.");
        }
        if (k < 0 || n <= 0 || b.Length < (long)k * n)
        {
            throw new ArgumentException($"Internal error: cannot pack a {k}x{n} B from {b.Length} floats.");
        }
        var t = For(NarrowestFitting(level, n));
        var p = reuse is not null && reuse.Level == level && reuse.K == k && reuse.N == n ? reuse : new GemmPanels(level, t.Level, k, n, t.NR, t.KC);
        fixed (float* pb = b)
        fixed (float* dst = p.Data)
        {
            for (int pc = 0; pc < k; pc += t.KC)
            {
                PackB(pb, n, k, transB, pc, Math.Min(t.KC, k - pc), 0, n, t.NR, dst + (long)pc * p.NPadded);
            }
        }
        return p;
    }

    /// <summary>
    /// C[M,N] = op(A)[M,K] B (+ C), then bias and activation, with B packed by <see cref="PackPanels(ReadOnlySpan{float}, int, int, bool)"/>:
    /// bit for bit what <see cref="Multiply(SimdLevel, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, bool, ReadOnlySpan{float}, EpilogueActivation)"/>
    /// gives on the unpacked B at the packing's level, at any thread count.
    /// </summary>
    public static void MultiplyPrepacked(ReadOnlySpan<float> a, GemmPanels b, Span<float> c, int m, bool transA, bool accumulate,
        ReadOnlySpan<float> bias, EpilogueActivation activation)
    {
        int n = b.N, k = b.K;
        if (m == 0)
        {
            return;
        }
        if (c.Length < (long)m * n || a.Length < (long)m * k || (!bias.IsEmpty && bias.Length < n))
        {
            throw new ArgumentException($"Internal error: GEMM buffers too small for {m}x{k} by packed {k}x{n}.");
        }
        var t = For(b.TileLevel);
        fixed (float* pa = a)
        fixed (float* pb = b.Data)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        {
            var epilogue = new Epilogue(bias.IsEmpty ? null : pbias, activation);
            if (k == 0)
            {
                if (!accumulate)
                {
                    c[..(m * n)].Clear();
                }
                epilogue.Apply(pc, n, m, 0, n);
                return;
            }
            if (GemmSmallRows.Applies(m, false, t.Level))
            {
                // The few-rows path over the panels: the same K blocks and fused chains as the unpacked one.
                var job = new PanelRowsJob(pa, pb, pc, m, n, k, transA, accumulate, t.KC, t.NR, b.NPadded);
                int panels = b.NPadded / t.NR;
                // Work counted in weights read, not multiply-adds: with at most 4 rows each weight is used at most 4
                // times, so the product is bound by reading B, and a kernel larger than one core's L2 (784x512 is
                // 1.6 MB) is read faster by two cores each keeping half of it.
                CpuParallel.For(panels, (long)k * t.NR, ref job);
                for (int jc = 0; jc < n; jc += t.NC)
                {
                    epilogue.Apply(pc, n, m, jc, Math.Min(t.NC, n - jc));
                }
                return;
            }
            Run(b.Level, new DenseA(pa, m, k, transA), null, pc, m, n, k, false, accumulate, epilogue, pb, b.NPadded);
        }
    }

    private readonly struct PanelRowsJob(float* a, float* panels, float* c, int m, int n, int k, bool transA, bool accumulate, int kcMax, int nr, int nPadded) : IRangeBody
    {
        public void Run(int start, int end)
        {
            // Element (r, p) of op(A) is at a[r * rs + p * ps].
            long rs = transA ? 1 : k, ps = transA ? m : 1;
            float* sums = stackalloc float[32];
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = accumulate || pc > 0;
                float* block = panels + (long)pc * nPadded;
                for (int panel = start; panel < end; panel++)
                {
                    int j = panel * nr, cols = Math.Min(nr, n - j);
                    float* bp = block + (long)j * kc;
                    for (int r = 0; r < m; r++)
                    {
                        PanelRow(a + r * rs + pc * ps, ps, bp, kc, nr, sums);
                        float* cr = c + (long)r * n + j;
                        for (int q = 0; q < cols; q++)
                        {
                            cr[q] = add ? cr[q] + sums[q] : sums[q];
                        }
                    }
                }
            }
        }
    }

    /// <summary>sums[0..nr) = one row of A's kc values against a [kc][nr] panel, each lane a fused chain from zero as the packed kernels sum it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelRow(float* ar, long ps, float* bp, int kc, int nr, float* sums)
    {
        if (Vector512.IsHardwareAccelerated && nr % 16 == 0)
        {
            var s0 = Vector512<float>.Zero;
            var s1 = Vector512<float>.Zero;
            if (nr == 32)
            {
                for (int p = 0; p < kc; p++)
                {
                    var av = Vector512.Create(ar[p * ps]);
                    s0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp), s0);
                    s1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 16), s1);
                    bp += 32;
                }
                s1.Store(sums + 16);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    s0 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[p * ps]), Vector512.Load(bp), s0);
                    bp += 16;
                }
            }
            s0.Store(sums);
            return;
        }
        if (Vector256.IsHardwareAccelerated && nr % 8 == 0)
        {
            for (int q = 0; q < nr; q += 16)
            {
                var s0 = Vector256<float>.Zero;
                var s1 = Vector256<float>.Zero;
                bool two = q + 8 < nr;
                float* b = bp + q;
                for (int p = 0; p < kc; p++)
                {
                    var av = Vector256.Create(ar[p * ps]);
                    s0 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b), s0);
                    if (two)
                    {
                        s1 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b + 8), s1);
                    }
                    b += nr;
                }
                s0.Store(sums + q);
                if (two)
                {
                    s1.Store(sums + q + 8);
                }
            }
            return;
        }
        for (int q = 0; q < nr; q += 4)
        {
            var s0 = Vector128<float>.Zero;
            float* b = bp + q;
            for (int p = 0; p < kc; p++)
            {
                s0 = Vector128.FusedMultiplyAdd(Vector128.Create(ar[p * ps]), Vector128.Load(b), s0);
                b += nr;
            }
            s0.Store(sums + q);
        }
    }
}
