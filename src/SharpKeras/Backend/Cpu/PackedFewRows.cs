using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Dense's batch-1 (up to <see cref="GemmSmallRows.MaxRows"/> rows) inference product over weights kept packed:
/// C = A B (+ bias, activation) with B's panels read four at a time, so four independent chains of multiply-adds
/// hide their latency, and the panels split across threads by the weights they read. With a row or two of A each
/// weight is used once or twice, so the product is bound by reading B (a 784x512 kernel is 1.6 MB, more than one
/// core's L2), not by multiply-adds: two cores reading half of B each nearly halve it, where
/// <see cref="CpuParallel"/>'s threshold, counted in multiply-adds, kept it on one thread. Every element is summed
/// exactly as <see cref="Gemm.MultiplyPrepacked"/> sums it (the same K blocks, each a chain of fused multiply-adds
/// from zero, added to C in order; the epilogue on the same column blocks), so the floats are the same bit for bit
/// at any thread count.
/// </summary>
internal static unsafe class PackedFewRows
{
    private const int PanelsPerGroup = 4;

    // Gemm applies bias and activation per block of this many columns (its NC at every level); so does this path.
    private const int EpilogueColumns = 512;

    /// <summary>True when this path computes the product: few rows, A not transposed, a fused-multiply-add level, panels of whole vectors.</summary>
    public static bool Applies(GemmPanels b, int m, bool transA) =>
        !transA && b.K > 0 && GemmSmallRows.Applies(m, false, b.TileLevel) && b.NR % 4 == 0 && b.NR <= 32;

    /// <summary>C[m, N] = A[m, K] B (+ C when accumulating), then bias and activation, for a product that <see cref="Applies"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, GemmPanels b, Span<float> c, int m, bool accumulate,
        ReadOnlySpan<float> bias, EpilogueActivation activation)
    {
        int n = b.N, k = b.K, nr = b.NR;
        if (c.Length < (long)m * n || a.Length < (long)m * k || (!bias.IsEmpty && bias.Length < n))
        {
            throw new ArgumentException($"Internal error: GEMM buffers too small for {m}x{k} by packed {k}x{n}.");
        }
        fixed (float* pa = a)
        fixed (float* pb = b.Data)
        fixed (float* pc = c)
        {
            int panels = b.NPadded / nr;
            int groups = (panels + PanelsPerGroup - 1) / PanelsPerGroup;
            var job = new Job(pa, pb, pc, m, n, k, accumulate, b.KC, nr, b.NPadded, panels);
            // Work counted in weights read (see the class comment), not in multiply-adds / 16 as compute-bound GEMMs count it.
            CpuParallel.For(groups, (long)k * nr * PanelsPerGroup, ref job);
        }
        for (int jc = 0; jc < n; jc += EpilogueColumns)
        {
            int cols = Math.Min(EpilogueColumns, n - jc);
            for (int r = 0; r < m; r++)
            {
                var row = c.Slice(r * n + jc, cols);
                if (!bias.IsEmpty)
                {
                    Elementwise.Binary<AddOp>(row, bias.Slice(jc, cols), row);
                }
                switch (activation)
                {
                    case EpilogueActivation.None: break;
                    case EpilogueActivation.Relu: Elementwise.Unary<ReluOp>(row, row); break;
                    case EpilogueActivation.Sigmoid: Elementwise.Unary<SigmoidOp>(row, row); break;
                    case EpilogueActivation.Tanh: Elementwise.Unary<TanhOp>(row, row); break;
                    default: ActivationKernels.Epilogue(activation, row); break;
                }
            }
        }
    }

    private readonly struct Job(float* a, float* panels, float* c, int m, int n, int k, bool accumulate, int kcMax, int nr, int nPadded, int panelCount) : IRangeBody
    {
        public void Run(int start, int end)
        {
            float* sums = stackalloc float[PanelsPerGroup * 32];
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = accumulate || pc > 0;
                float* block = panels + (long)pc * nPadded;
                for (int group = start; group < end; group++)
                {
                    int first = group * PanelsPerGroup;
                    int count = Math.Min(PanelsPerGroup, panelCount - first);
                    for (int r = 0; r < m; r++)
                    {
                        GroupRow(a + (long)r * k + pc, block, first, count, kc, nr, sums);
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
    private static void GroupRow(float* ar, float* block, int first, int count, int kc, int nr, float* sums)
    {
        long stride = (long)kc * nr;
        float* b0 = block + first * stride;
        float* b1 = block + (first + Math.Min(1, count - 1)) * stride;
        float* b2 = block + (first + Math.Min(2, count - 1)) * stride;
        float* b3 = block + (first + Math.Min(3, count - 1)) * stride;
        if (Vector512.IsHardwareAccelerated && nr % 16 == 0)
        {
            for (int q = 0; q < nr; q += 16)
            {
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < kc; p++)
                {
                    var av = Vector512.Create(ar[p]);
                    long o = (long)p * nr + q;
                    s0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b0 + o), s0);
                    s1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1 + o), s1);
                    s2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2 + o), s2);
                    s3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3 + o), s3);
                }
                s0.Store(sums + q);
                s1.Store(sums + nr + q);
                s2.Store(sums + 2 * nr + q);
                s3.Store(sums + 3 * nr + q);
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated && nr % 8 == 0)
        {
            for (int q = 0; q < nr; q += 8)
            {
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < kc; p++)
                {
                    var av = Vector256.Create(ar[p]);
                    long o = (long)p * nr + q;
                    s0 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b0 + o), s0);
                    s1 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b1 + o), s1);
                    s2 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b2 + o), s2);
                    s3 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b3 + o), s3);
                }
                s0.Store(sums + q);
                s1.Store(sums + nr + q);
                s2.Store(sums + 2 * nr + q);
                s3.Store(sums + 3 * nr + q);
            }
            return;
        }
        for (int q = 0; q < nr; q += 4)
        {
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < kc; p++)
            {
                var av = Vector128.Create(ar[p]);
                long o = (long)p * nr + q;
                s0 = Vector128.FusedMultiplyAdd(av, Vector128.Load(b0 + o), s0);
                s1 = Vector128.FusedMultiplyAdd(av, Vector128.Load(b1 + o), s1);
                s2 = Vector128.FusedMultiplyAdd(av, Vector128.Load(b2 + o), s2);
                s3 = Vector128.FusedMultiplyAdd(av, Vector128.Load(b3 + o), s3);
            }
            s0.Store(sums + q);
            s1.Store(sums + nr + q);
            s2.Store(sums + 2 * nr + q);
            s3.Store(sums + 3 * nr + q);
        }
    }
}
