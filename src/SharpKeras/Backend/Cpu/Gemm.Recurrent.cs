using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>The few-rows product with prepacked panels as a recurrent step uses it (batch-1 inference): four panels at a time.</summary>
internal static unsafe partial class Gemm
{
    /// <summary>Panels summed together by <see cref="MultiplyPrepackedFewRows"/>: enough independent chains to hide the multiply-add latency.</summary>
    private const int PanelsPerGroup = 4;

    /// <summary>
    /// C[m, N] = A[m, K] B for the few rows of <see cref="GemmSmallRows.Applies"/> with B prepacked, no bias or
    /// activation: bit for bit what <see cref="MultiplyPrepacked"/> gives (each element is the same chain of fused
    /// multiply-adds from zero per K block, the blocks added to C in order), but with four panels' chains interleaved
    /// where the plain path runs one panel's one or two chains at a time and waits on each multiply-add's latency.
    /// Falls back to <see cref="MultiplyPrepacked"/> where this CPU lacks the vector width the panels need.
    /// </summary>
    public static void MultiplyPrepackedFewRows(ReadOnlySpan<float> a, GemmPanels b, Span<float> c, int m)
    {
        int n = b.N, k = b.K, nr = b.NR;
        bool fits = k > 0 && GemmSmallRows.Applies(m, false, b.TileLevel)
            && ((Vector512.IsHardwareAccelerated && (nr == 16 || nr == 32)) || (Vector256.IsHardwareAccelerated && (nr == 8 || nr == 16)));
        if (!fits)
        {
            MultiplyPrepacked(a, b, c, m, false, false, default, EpilogueActivation.None);
            return;
        }
        if (c.Length < (long)m * n || a.Length < (long)m * k)
        {
            throw new ArgumentException($"Internal error: GEMM buffers too small for {m}x{k} by packed {k}x{n}.");
        }
        fixed (float* pa = a)
        fixed (float* pb = b.Data)
        fixed (float* pc = c)
        {
            int panels = b.NPadded / nr;
            int groups = (panels + PanelsPerGroup - 1) / PanelsPerGroup;
            var job = new PanelGroupsJob(pa, pb, pc, m, n, k, b.KC, nr, b.NPadded, panels);
            CpuParallel.For(groups, (long)m * k * nr * PanelsPerGroup / GemmSmallRows.MacsPerElement, ref job);
        }
    }

    private readonly struct PanelGroupsJob(float* a, float* panels, float* c, int m, int n, int k, int kcMax, int nr, int nPadded, int panelCount) : IRangeBody
    {
        public void Run(int start, int end)
        {
            float* sums = stackalloc float[PanelsPerGroup * 32];
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = pc > 0;
                float* block = panels + (long)pc * nPadded;
                for (int group = start; group < end; group++)
                {
                    int first = group * PanelsPerGroup;
                    int count = Math.Min(PanelsPerGroup, panelCount - first);
                    for (int r = 0; r < m; r++)
                    {
                        PanelGroupRow(a + (long)r * k + pc, block, first, count, kc, nr, sums);
                        for (int q = 0; q < count; q++)
                        {
                            int j = (first + q) * nr, cols = Math.Min(nr, n - j);
                            float* cr = c + (long)r * n + j;
                            float* s = sums + q * nr;
                            for (int e = 0; e < cols; e++)
                            {
                                cr[e] = add ? cr[e] + s[e] : s[e];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// sums[q * nr ..] = one row of A's kc values against panels first .. first + count - 1 of a K block (each [kc][nr]),
    /// every lane a chain of fused multiply-adds from zero in the order of p; a group short of four panels repeats its
    /// last panel and ignores those sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelGroupRow(float* ar, float* block, int first, int count, int kc, int nr, float* sums)
    {
        long stride = (long)kc * nr;
        float* b0 = block + first * stride;
        float* b1 = block + (first + Math.Min(1, count - 1)) * stride;
        float* b2 = block + (first + Math.Min(2, count - 1)) * stride;
        float* b3 = block + (first + Math.Min(3, count - 1)) * stride;
        if (Vector512.IsHardwareAccelerated && nr == 32)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int p = 0; p < kc; p++)
            {
                var av = Vector512.Create(ar[p]);
                long o = (long)p * 32;
                s0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b0 + o), s0);
                s1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b0 + o + 16), s1);
                s2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1 + o), s2);
                s3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1 + o + 16), s3);
                s4 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2 + o), s4);
                s5 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2 + o + 16), s5);
                s6 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3 + o), s6);
                s7 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3 + o + 16), s7);
            }
            s0.Store(sums);
            s1.Store(sums + 16);
            s2.Store(sums + 32);
            s3.Store(sums + 48);
            s4.Store(sums + 64);
            s5.Store(sums + 80);
            s6.Store(sums + 96);
            s7.Store(sums + 112);
            return;
        }
        if (Vector512.IsHardwareAccelerated && nr == 16)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < kc; p++)
            {
                var av = Vector512.Create(ar[p]);
                long o = (long)p * 16;
                s0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b0 + o), s0);
                s1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1 + o), s1);
                s2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2 + o), s2);
                s3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3 + o), s3);
            }
            s0.Store(sums);
            s1.Store(sums + 16);
            s2.Store(sums + 32);
            s3.Store(sums + 48);
            return;
        }
        if (nr == 16)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int p = 0; p < kc; p++)
            {
                var av = Vector256.Create(ar[p]);
                long o = (long)p * 16;
                s0 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b0 + o), s0);
                s1 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b0 + o + 8), s1);
                s2 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b1 + o), s2);
                s3 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b1 + o + 8), s3);
                s4 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b2 + o), s4);
                s5 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b2 + o + 8), s5);
                s6 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b3 + o), s6);
                s7 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b3 + o + 8), s7);
            }
            s0.Store(sums);
            s1.Store(sums + 8);
            s2.Store(sums + 16);
            s3.Store(sums + 24);
            s4.Store(sums + 32);
            s5.Store(sums + 40);
            s6.Store(sums + 48);
            s7.Store(sums + 56);
            return;
        }
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < kc; p++)
            {
                var av = Vector256.Create(ar[p]);
                long o = (long)p * 8;
                s0 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b0 + o), s0);
                s1 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b1 + o), s1);
                s2 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b2 + o), s2);
                s3 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b3 + o), s3);
            }
            s0.Store(sums);
            s1.Store(sums + 8);
            s2.Store(sums + 16);
            s3.Store(sums + 24);
        }
    }
}
