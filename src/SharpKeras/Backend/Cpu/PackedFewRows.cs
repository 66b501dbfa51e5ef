using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Dense's batch-1 (up to <see cref="GemmSmallRows.MaxRows"/> rows) inference product over weights kept packed:
/// C = A B (+ bias, activation) with B's panels split across threads by the weights they read. With a row or two of A each
/// weight is used once or twice, so the product is bound by reading B (a 784x512 kernel is 1.6 MB, more than one
/// core's L2), not by multiply-adds, so two cores can each read half of B (and keep it in their own L2), where
/// <see cref="CpuParallel"/>'s threshold, counted in multiply-adds, kept it on one thread. Every element is summed
/// exactly as <see cref="Gemm.MultiplyPrepacked"/> sums it (the same K blocks, each a chain of fused multiply-adds
/// from zero, added to C in order; the epilogue on the same column blocks), so the floats are the same bit for bit
/// at any thread count.
/// </summary>
internal static unsafe class PackedFewRows
{
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
            var job = new Job(pa, pb, pc, m, n, k, accumulate, b.KC, nr, b.NPadded);
            // Work counted in weights read (see the class comment), not in multiply-adds / 16 as compute-bound GEMMs count it.
            CpuParallel.For(b.NPadded / nr, (long)k * nr, ref job);
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

    private readonly struct Job(float* a, float* panels, float* c, int m, int n, int k, bool accumulate, int kcMax, int nr, int nPadded) : IRangeBody
    {
        public void Run(int start, int end)
        {
            float* sums = stackalloc float[32];
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = accumulate || pc > 0;
                float* block = panels + (long)pc * nPadded;
                // The panels in order: one stream through the K block's contiguous panels, which measured faster
                // than interleaving four panels' streams (16 KB apart) at one thread.
                for (int panel = start; panel < end; panel++)
                {
                    int j = panel * nr, cols = Math.Min(nr, n - j);
                    float* bp = block + (long)j * kc;
                    for (int r = 0; r < m; r++)
                    {
                        PanelRow(a + (long)r * k + pc, bp, kc, nr, sums);
                        float* cr = c + (long)r * n + j;
                        for (int e = 0; e < cols; e++)
                        {
                            cr[e] = add ? cr[e] + sums[e] : sums[e];
                        }
                    }
                }
            }
        }
    }

    /// <summary>sums[0..nr) = one row of A's kc values against a [kc][nr] panel, every lane a chain of fused multiply-adds from zero in the order of p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelRow(float* ar, float* bp, int kc, int nr, float* sums)
    {
        if (Vector512.IsHardwareAccelerated && (nr == 16 || nr == 32))
        {
            var s0 = Vector512<float>.Zero;
            var s1 = Vector512<float>.Zero;
            if (nr == 32)
            {
                for (int p = 0; p < kc; p++)
                {
                    var av = Vector512.Create(ar[p]);
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
                    s0 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[p]), Vector512.Load(bp), s0);
                    bp += 16;
                }
            }
            s0.Store(sums);
            return;
        }
        if (Vector256.IsHardwareAccelerated && (nr == 8 || nr == 16))
        {
            var s0 = Vector256<float>.Zero;
            var s1 = Vector256<float>.Zero;
            if (nr == 16)
            {
                for (int p = 0; p < kc; p++)
                {
                    var av = Vector256.Create(ar[p]);
                    s0 = Vector256.FusedMultiplyAdd(av, Vector256.Load(bp), s0);
                    s1 = Vector256.FusedMultiplyAdd(av, Vector256.Load(bp + 8), s1);
                    bp += 16;
                }
                s1.Store(sums + 8);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    s0 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[p]), Vector256.Load(bp), s0);
                    bp += 8;
                }
            }
            s0.Store(sums);
            return;
        }
        for (int q = 0; q < nr; q += 4)
        {
            var s0 = Vector128<float>.Zero;
            float* b = bp + q;
            for (int p = 0; p < kc; p++)
            {
                s0 = Vector128.FusedMultiplyAdd(Vector128.Create(ar[p]), Vector128.Load(b), s0);
                b += nr;
            }
            s0.Store(sums + q);
        }
    }
}
