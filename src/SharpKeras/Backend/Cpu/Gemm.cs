using System.Numerics;
using System.Runtime.CompilerServices;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Single-precision matrix multiply C = op(A) op(B) (+ C), row-major, packed and register-tiled
/// (BLIS-style: B is packed in KC x NR panels, A in MR x KC panels, a 6 x (2 vectors) multiply-add
/// micro-kernel). The vector is <see cref="Vector{T}"/>, so the width follows the machine (and a
/// NativeAOT build's baseline) instead of assuming AVX. Transposed operands are read through the
/// packing routines, never materialised.
/// </summary>
internal static unsafe class Gemm
{
    private const int MR = 6;
    private static readonly int W = Vector<float>.Count;
    private static readonly int NR = 2 * W;
    private const int KC = 256;
    private const int MC = 96;
    private const int NC = 1024;

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;

    /// <summary>
    /// C[M,N] = op(A)[M,K] * op(B)[K,N], or C += ... when <paramref name="accumulate"/>.
    /// A is [M,K] (or [K,M] when <paramref name="transA"/>), B is [K,N] (or [N,K] when <paramref name="transB"/>).
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k, bool transA, bool transB, bool accumulate)
        => Multiply(a, b, c, m, n, k, transA, transB, accumulate, default, EpilogueActivation.None);

    /// <summary>
    /// As <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, bool)"/>,
    /// then adds <paramref name="bias"/> (length N, when not empty) to every row and applies
    /// <paramref name="activation"/>, while each block of C is still in cache.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k, bool transA, bool transB, bool accumulate, ReadOnlySpan<float> bias, EpilogueActivation activation)
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
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
            var job = new Job(pa, pb, pc, m, n, k, transA, transB, accumulate, epilogue);
            // Split rows between threads; each thread packs its own B panels, which costs K*N per thread
            // against M*N*K/threads of arithmetic, and keeps the threads independent.
            long flops = 2L * m * n * k;
            int minRows = flops < 2_000_000 ? m : Math.Max(MR, 1);
            CpuParallel.For(m, minRows, ref job);
        }
    }

    private readonly struct Job(float* a, float* b, float* c, int m, int n, int k, bool transA, bool transB, bool accumulate, Epilogue epilogue) : IRangeBody
    {
        public void Run(int rowStart, int rowEnd) =>
            MultiplyRows(a, b, c, m, n, k, transA, transB, accumulate, epilogue, rowStart, rowEnd);
    }

    private static void MultiplyRows(float* a, float* b, float* c, int m, int n, int k,
        bool transA, bool transB, bool accumulate, Epilogue epilogue, int rowStart, int rowEnd)
    {
        int maxNc = Math.Min(NC, RoundUp(n, NR));
        var packB = t_packB is { } pb0 && pb0.Length >= KC * maxNc ? pb0 : (t_packB = new float[KC * maxNc]);
        var packA = t_packA is { } pa0 && pa0.Length >= KC * MC ? pa0 : (t_packA = new float[KC * MC]);
        Span<float> edge = stackalloc float[MR * NR];
        fixed (float* bufB = packB)
        fixed (float* bufA = packA)
        fixed (float* tile = edge)
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    bool acc = accumulate || pc > 0;
                    PackB(b, n, k, transB, pc, kc, jc, nc, bufB);
                    for (int ic = rowStart; ic < rowEnd; ic += MC)
                    {
                        int mc = Math.Min(MC, rowEnd - ic);
                        PackA(a, m, k, transA, ic, mc, pc, kc, bufA);
                        for (int jr = 0; jr < nc; jr += NR)
                        {
                            int nr = Math.Min(NR, nc - jr);
                            float* bp = bufB + jr * kc;
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int mr = Math.Min(MR, mc - ir);
                                float* ap = bufA + ir * kc;
                                float* cp = c + (long)(ic + ir) * n + jc + jr;
                                if (mr == MR && nr == NR)
                                {
                                    Kernel(kc, ap, bp, cp, n, acc);
                                }
                                else
                                {
                                    Kernel(kc, ap, bp, tile, NR, false);
                                    for (int i = 0; i < mr; i++)
                                    {
                                        for (int j = 0; j < nr; j++)
                                        {
                                            float v = tile[i * NR + j];
                                            cp[(long)i * n + j] = acc ? cp[(long)i * n + j] + v : v;
                                        }
                                    }
                                }
                            }
                        }
                        if (pc + kc == k)
                        {
                            epilogue.Apply(c + (long)ic * n, n, mc, jc, nc);
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int r) => (x + r - 1) / r * r;

    /// <summary>Bias and activation applied to finished blocks of C.</summary>
    private readonly struct Epilogue(float* bias, EpilogueActivation activation)
    {
        public void Apply(float* c, int ldc, int rows, int col0, int cols)
        {
            if (bias is null && activation == EpilogueActivation.None)
            {
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                var row = new Span<float>(c + (long)r * ldc + col0, cols);
                if (bias is not null)
                {
                    var bs = new ReadOnlySpan<float>(bias + col0, cols);
                    Elementwise.Binary<AddOp>(row, bs, row);
                }
                switch (activation)
                {
                    case EpilogueActivation.Relu: Elementwise.Unary<ReluOp>(row, row); break;
                    case EpilogueActivation.Sigmoid: Elementwise.Unary<SigmoidOp>(row, row); break;
                    case EpilogueActivation.Tanh: Elementwise.Unary<TanhOp>(row, row); break;
                }
            }
        }
    }

    /// <summary>Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels, each [kc][MR], zero-padded.</summary>
    private static void PackA(float* a, int m, int k, bool transA, int ic, int mc, int pc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* d = dst + ir * kc;
            if (!transA)
            {
                // A is [M,K]: row i starts at i*k.
                for (int r = 0; r < MR; r++)
                {
                    if (r < mr)
                    {
                        float* src = a + (long)(ic + ir + r) * k + pc;
                        for (int p = 0; p < kc; p++)
                        {
                            d[p * MR + r] = src[p];
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            d[p * MR + r] = 0f;
                        }
                    }
                }
            }
            else
            {
                // A is stored [K,M]: op(A)[i,p] = a[p*m + i], contiguous in i.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(pc + p) * m + ic + ir;
                    float* dp = d + p * MR;
                    int r = 0;
                    for (; r < mr; r++)
                    {
                        dp[r] = src[r];
                    }
                    for (; r < MR; r++)
                    {
                        dp[r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels, each [kc][NR], zero-padded.</summary>
    private static void PackB(float* b, int n, int k, bool transB, int pc, int kc, int jc, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* d = dst + jr * kc;
            if (!transB)
            {
                // B is [K,N]: row p of the panel is contiguous.
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(pc + p) * n + jc + jr;
                    float* dp = d + p * NR;
                    if (nr == NR)
                    {
                        Vector.Store(Vector.Load(src), dp);
                        Vector.Store(Vector.Load(src + W), dp + W);
                    }
                    else
                    {
                        int j = 0;
                        for (; j < nr; j++)
                        {
                            dp[j] = src[j];
                        }
                        for (; j < NR; j++)
                        {
                            dp[j] = 0f;
                        }
                    }
                }
            }
            else
            {
                // B is stored [N,K]: op(B)[p,j] = b[j*k + p], contiguous in p.
                for (int j = 0; j < NR; j++)
                {
                    if (j < nr)
                    {
                        float* src = b + (long)(jc + jr + j) * k + pc;
                        for (int p = 0; p < kc; p++)
                        {
                            d[p * NR + j] = src[p];
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            d[p * NR + j] = 0f;
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        int w = Vector<float>.Count;
        int nr = 2 * w;
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector.Load(b);
            var b1 = Vector.Load(b + w);
            var a0 = new Vector<float>(a[0]);
            c00 = Vector.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector.MultiplyAddEstimate(a0, b1, c01);
            var a1 = new Vector<float>(a[1]);
            c10 = Vector.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector.MultiplyAddEstimate(a1, b1, c11);
            var a2 = new Vector<float>(a[2]);
            c20 = Vector.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector.MultiplyAddEstimate(a2, b1, c21);
            var a3 = new Vector<float>(a[3]);
            c30 = Vector.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector.MultiplyAddEstimate(a3, b1, c31);
            var a4 = new Vector<float>(a[4]);
            c40 = Vector.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector.MultiplyAddEstimate(a4, b1, c41);
            var a5 = new Vector<float>(a[5]);
            c50 = Vector.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector.MultiplyAddEstimate(a5, b1, c51);
            a += MR;
            b += nr;
        }
        StoreRow(c, c00, c01, accumulate);
        StoreRow(c + ldc, c10, c11, accumulate);
        StoreRow(c + 2 * ldc, c20, c21, accumulate);
        StoreRow(c + 3 * ldc, c30, c31, accumulate);
        StoreRow(c + 4 * ldc, c40, c41, accumulate);
        StoreRow(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector<float> v0, Vector<float> v1, bool accumulate)
    {
        int w = Vector<float>.Count;
        if (accumulate)
        {
            v0 += Vector.Load(c);
            v1 += Vector.Load(c + w);
        }
        Vector.Store(v0, c);
        Vector.Store(v1, c + w);
    }
}

/// <summary>An element-wise activation a matrix multiply can apply as it stores its result.</summary>
internal enum EpilogueActivation
{
    /// <summary>The identity.</summary>
    None,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,

    /// <summary>tanh(x).</summary>
    Tanh,
}
