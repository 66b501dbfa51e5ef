using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// C = op(A) B for a product of a few rows (batch-1 and small-batch inference through Dense and recurrent
/// layers): B is read where it lies instead of being packed into panels, because packing all of B for one
/// row of A costs more than the product itself. Every element of C is summed exactly as the packed kernels
/// sum it (the same KC blocks of K, each block a chain of fused multiply-adds from zero, added to C in
/// order), so the result equals the packed path's bit for bit, whatever the thread count.
/// </summary>
internal static unsafe class GemmSmallRows
{
    /// <summary>The most rows of C this path takes.</summary>
    public const int MaxRows = 4;

    // Columns per unit of work split across threads; the split never changes a sum.
    private const int ColumnsPerUnit = 64;

    /// <summary>Multiply-adds of a vectorised GEMM per element-equivalent of CpuParallel's threshold.</summary>
    public const long MacsPerElement = 16;

    /// <summary>
    /// True when the product can take this path: at most <see cref="MaxRows"/> rows, B not transposed, and a
    /// kernel level whose multiply-adds are fused (the scalar kernel rounds the product before the add).
    /// </summary>
    public static bool Applies(int m, bool transB, SimdLevel level) =>
        m <= MaxRows && !transB && level != SimdLevel.Scalar && (Fma.IsSupported || AdvSimd.Arm64.IsSupported);

    /// <summary>C[m,n] = op(A) B (+ C when accumulating), K summed in blocks of <paramref name="kc"/> as the packed kernel of the same level does.</summary>
    public static void Multiply(float* a, float* b, float* c, int m, int n, int k, bool transA, bool accumulate, int kc)
    {
        var job = new Job(a, b, c, m, n, k, transA, accumulate, kc);
        int units = (n + ColumnsPerUnit - 1) / ColumnsPerUnit;
        CpuParallel.For(units, (long)m * k * ColumnsPerUnit / MacsPerElement, ref job);
    }

    private readonly struct Job(float* a, float* b, float* c, int m, int n, int k, bool transA, bool accumulate, int kc) : IRangeBody
    {
        public void Run(int start, int end) =>
            Columns(a, b, c, m, n, k, transA, accumulate, kc, start * ColumnsPerUnit, Math.Min(n, end * ColumnsPerUnit));
    }

    private static void Columns(float* a, float* b, float* c, int m, int n, int k, bool transA, bool accumulate, int kc, int j0, int j1)
    {
        // Element (r, p) of op(A) is at a[r * rs + p * ps].
        int rs = transA ? 1 : k, ps = transA ? m : 1;
        int w = Vector<float>.Count;
        for (int pc = 0; pc < k; pc += kc)
        {
            int pEnd = Math.Min(k, pc + kc);
            bool add = accumulate || pc > 0;
            int j = j0;
            for (; j + 4 * w <= j1; j += 4 * w)
            {
                for (int r = 0; r < m; r++)
                {
                    Four(a + (long)r * rs, ps, b, n, c + (long)r * n + j, j, pc, pEnd, add);
                }
            }
            for (; j + w <= j1; j += w)
            {
                for (int r = 0; r < m; r++)
                {
                    float* ar = a + (long)r * rs;
                    var s = Vector<float>.Zero;
                    for (int p = pc; p < pEnd; p++)
                    {
                        s = Vector.FusedMultiplyAdd(new Vector<float>(ar[(long)p * ps]), Vector.Load(b + (long)p * n + j), s);
                    }
                    float* cr = c + (long)r * n + j;
                    Vector.Store(add ? Vector.Load(cr) + s : s, cr);
                }
            }
            for (; j < j1; j++)
            {
                for (int r = 0; r < m; r++)
                {
                    float* ar = a + (long)r * rs;
                    float s = 0f;
                    for (int p = pc; p < pEnd; p++)
                    {
                        s = MathF.FusedMultiplyAdd(ar[(long)p * ps], b[(long)p * n + j], s);
                    }
                    float* cr = c + (long)r * n + j;
                    *cr = add ? *cr + s : s;
                }
            }
        }
    }

    /// <summary>One row of A against four vectors of columns: four independent chains keep the FMA units busy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Four(float* ar, int ps, float* b, int n, float* cr, int j, int pc, int pEnd, bool add)
    {
        int w = Vector<float>.Count;
        Vector<float> s0 = Vector<float>.Zero, s1 = Vector<float>.Zero, s2 = Vector<float>.Zero, s3 = Vector<float>.Zero;
        for (int p = pc; p < pEnd; p++)
        {
            var av = new Vector<float>(ar[(long)p * ps]);
            float* bp = b + (long)p * n + j;
            s0 = Vector.FusedMultiplyAdd(av, Vector.Load(bp), s0);
            s1 = Vector.FusedMultiplyAdd(av, Vector.Load(bp + w), s1);
            s2 = Vector.FusedMultiplyAdd(av, Vector.Load(bp + 2 * w), s2);
            s3 = Vector.FusedMultiplyAdd(av, Vector.Load(bp + 3 * w), s3);
        }
        if (add)
        {
            s0 += Vector.Load(cr);
            s1 += Vector.Load(cr + w);
            s2 += Vector.Load(cr + 2 * w);
            s3 += Vector.Load(cr + 3 * w);
        }
        Vector.Store(s0, cr);
        Vector.Store(s1, cr + w);
        Vector.Store(s2, cr + 2 * w);
        Vector.Store(s3, cr + 3 * w);
    }
}
