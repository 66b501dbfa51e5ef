using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpKeras.Backend.Cpu;

/// <summary>The widest SIMD a kernel may use; chosen once at start-up (see <see cref="Gemm.Level"/>).</summary>
internal enum SimdLevel
{
    /// <summary>Plain scalar code: any CPU.</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE, Arm AdvSimd).</summary>
    Vector128,

    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512 F/BW/CD/DQ/VL).</summary>
    Vector512,
}

/// <summary>
/// Single-precision matrix multiply C = op(A) op(B) (+ C), row-major, packed and register-tiled
/// (BLIS-style): B is packed in KC x NR panels that stay in L1 while A streams through in MR x KC
/// panels from an MC x KC block kept in L2, and an MR x NR register tile of multiply-adds does the
/// work (A is not packed: tiles of whole rows read it in place, whether it is stored [M,K] or transposed [K,M]). There is one
/// micro-kernel per SIMD width (512, 256 with FMA, 128, scalar), chosen once at start-up from what
/// the CPU accelerates; the environment variable SHARPKERAS_SIMD (scalar,
/// vector128, vector256, vector512) forces a narrower one. Transposed operands are read through
/// the packing routines, never materialised. Threads split the rows of C in whole register tiles,
/// each packing its own B panel, so a core works in its own caches and the result does not depend
/// on the thread count.
/// </summary>
internal static unsafe partial class Gemm
{
    /// <summary>Rows of the register tile; packed A panels are [kc][MR].</summary>
    internal const int MR = 6;

    /// <summary>The tile sizes and micro-kernel for one SIMD width.</summary>
    private sealed class Tiling(SimdLevel level, int nr, int kc, int mc, int nc, delegate*<int, float*, float*, float*, int, bool, void> kernel,
        delegate*<int, float*, int, float*, float*, int, bool, void> directKernel,
        delegate*<int, float*, int, float*, float*, int, bool, void> directKernel4,
        delegate*<int, float*, int, float*, float*, int, bool, void> directTKernel,
        delegate*<int, float*, int, float*, float*, int, bool, void> directTKernel4)
    {
        public SimdLevel Level { get; } = level;
        public int NR { get; } = nr;
        public int KC { get; } = kc;
        public int MC { get; } = mc;
        public int NC { get; } = nc;
        public delegate*<int, float*, float*, float*, int, bool, void> Kernel { get; } = kernel;

        /// <summary>The same tile reading A's MR rows where they lie (row stride lda), or null: the same multiply-adds in the same order as <see cref="Kernel"/>.</summary>
        public delegate*<int, float*, int, float*, float*, int, bool, void> DirectKernel { get; } = directKernel;

        /// <summary>
        /// <see cref="DirectKernel"/> for 4 rows, or null: its 8 chains of multiply-adds still fill both FMA pipes of a
        /// 4-cycle latency, so a row count that leaves 2 or 4 rows over MR tiles ends in 4-row tiles, not a zero-padded 6-row one.
        /// </summary>
        public delegate*<int, float*, int, float*, float*, int, bool, void> DirectKernel4 { get; } = directKernel4;

        /// <summary><see cref="DirectKernel"/> for an A stored [K,M] (transposed): each step's MR rows are contiguous, steps lda apart; or null.</summary>
        public delegate*<int, float*, int, float*, float*, int, bool, void> DirectTKernel { get; } = directTKernel;

        /// <summary><see cref="DirectKernel4"/> for an A stored [K,M], or null.</summary>
        public delegate*<int, float*, int, float*, float*, int, bool, void> DirectTKernel4 { get; } = directTKernel4;
    }

    // KC keeps a KC x NR panel of B near 16 KB (half of L1) and MC x KC of A near 100 KB of L2;
    // an MC x NC block of C (192-384 KB) stays in L2 while all of K is added into it.
    private static readonly Tiling s_v512 = new(SimdLevel.Vector512, 32, 128, 192, 512, &KernelV512, &DirectKernelV512, &Direct4KernelV512,
        &DirectTKernelV512, &Direct4TKernelV512);
    private static readonly Tiling s_v256 = new(SimdLevel.Vector256, 16, 256, 96, 512, &KernelV256, &DirectKernelV256, &Direct4KernelV256,
        &DirectTKernelV256, &Direct4TKernelV256);
    private static readonly Tiling s_v128 = new(SimdLevel.Vector128, 8, 256, 96, 512, &KernelV128, &DirectKernelV128, null,
        &DirectTKernelV128, null);
    private static readonly Tiling s_scalar = new(SimdLevel.Scalar, 4, 256, 96, 512, &KernelScalar, null, null, null, null);

    /// <summary>Most floats of packed B a thread keeps at once: 2 MiB, about two L2s of the development machine and a small share of its L3.</summary>
    private const int PackedBFloats = 1 << 19;

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;

    /// <summary>The widest level this CPU runs in hardware.</summary>
    public static SimdLevel Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdLevel.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? SimdLevel.Vector256
        : Vector128.IsHardwareAccelerated ? SimdLevel.Vector128
        : SimdLevel.Scalar;

    // Declared after Best: static initializers run in textual order.
    private static readonly Tiling s_tiling = For(Detect());

    /// <summary>The level the kernels use now.</summary>
    public static SimdLevel Level => s_tiling.Level;

    private static SimdLevel Detect()
    {
        var requested = Environment.GetEnvironmentVariable("SHARPKERAS_SIMD");
        if (string.IsNullOrWhiteSpace(requested))
        {
            return Best;
        }
        if (!Enum.TryParse<SimdLevel>(requested.Trim(), ignoreCase: true, out var level))
        {
            throw new InvalidOperationException($"SHARPKERAS_SIMD='{requested}' is not one of scalar, vector128, vector256, vector512.");
        }
        // Asking for more than the CPU has gives the best it has.
        return level > Best ? Best : level;
    }

    private static Tiling For(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => s_v512,
        SimdLevel.Vector256 => s_v256,
        SimdLevel.Vector128 => s_v128,
        _ => s_scalar,
    };

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
        => Multiply(s_tiling.Level, a, b, c, m, n, k, transA, transB, accumulate, bias, activation);

    /// <summary>The multiply on the kernel of one SIMD level (tests run every level this CPU has); it must not exceed <see cref="Best"/>.</summary>
    internal static void Multiply(SimdLevel level, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k, bool transA, bool transB, bool accumulate, ReadOnlySpan<float> bias, EpilogueActivation activation)
    {
        if (level > Best)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"This CPU accelerates at most {Best}.");
        }
        if (m == 0 || n == 0)
        {
            return;
        }
        if (c.Length < (long)m * n || (k > 0 && (a.Length < (long)m * k || b.Length < (long)k * n)) || (!bias.IsEmpty && bias.Length < n))
        {
            throw new ArgumentException($"Internal error: GEMM buffers too small for {m}x{k} by {k}x{n}.");
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
            // A few rows (batch-1 inference) read B in place: packing all of B would cost more than the product.
            var small = For(NarrowestFitting(level, n));
            if (GemmSmallRows.Applies(m, transB, small.Level))
            {
                GemmSmallRows.Multiply(pa, pb, pc, m, n, k, transA, accumulate, small.KC);
                for (int jc = 0; jc < n; jc += small.NC)
                {
                    epilogue.Apply(pc, n, m, jc, Math.Min(small.NC, n - jc));
                }
                return;
            }
            Run(level, new DenseA(pa, m, k, transA), pb, pc, m, n, k, transB, accumulate, epilogue, null, 0);
        }
    }

    /// <summary>
    /// C[M,N] = A[M,K] op(B)[K,N] (+ C), then bias and activation, with A's panels written by
    /// <paramref name="a"/> (an implicit matrix such as a convolution's windows) instead of read from memory.
    /// </summary>
    internal static void MultiplyPacked<TA>(SimdLevel level, TA a, float* b, float* c, int m, int n, int k,
        bool transB, bool accumulate, float* bias, EpilogueActivation activation) where TA : unmanaged, IPanelSourceA
    {
        if (level > Best)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"This CPU accelerates at most {Best}.");
        }
        if (m == 0 || n == 0 || k == 0)
        {
            throw new ArgumentException($"Internal error: empty implicit GEMM {m}x{k} by {k}x{n}.");
        }
        Run(level, a, b, c, m, n, k, transB, accumulate, new Epilogue(bias, activation), null, 0);
    }

    /// <summary>
    /// The packed multiply; when <paramref name="prepacked"/> is not null it holds all of op(B) already
    /// packed by <see cref="PackPanels(ReadOnlySpan{float}, int, int, bool)"/> (<paramref name="nPadded"/> columns per K block) and B is not read.
    /// </summary>
    private static void Run<TA>(SimdLevel level, TA a, float* pb, float* pc, int m, int n, int k, bool transB, bool accumulate, Epilogue epilogue,
        float* prepacked, int nPadded)
        where TA : unmanaged, IPanelSourceA
    {
        // A short, wide product (a small batch through a wide layer) is split by columns, so that
        // each core packs only its half of B; otherwise by rows, each core packing all of B once.
        var tiling = For(NarrowestFitting(level, n));
        int colTiles = (n + tiling.NR - 1) / tiling.NR;
        int rowTiles = (m + MR - 1) / MR;
        bool byColumns = m < 2 * tiling.MC && colTiles >= 2 * Config.Threads && n >= m;
        var job = new Job<TA>(a, pb, pc, m, n, k, transB, accumulate, epilogue, tiling.Level, byColumns, prepacked, nPadded);
        long flops = 2L * m * n * k;
        int units = byColumns ? colTiles : rowTiles;
        CpuParallel.For(units, flops / 2 / units / GemmSmallRows.MacsPerElement, ref job);
    }

    /// <summary>A stored row-major A (or its transpose), packed by <see cref="PackA"/>.</summary>
    private readonly struct DenseA(float* a, int m, int k, bool transA) : IPanelSourceA
    {
        /// <summary>A's first element.</summary>
        public float* Data => a;

        /// <summary>True when A is stored [M,K]; false when stored [K,M] (op(A) = A^T). Either way a tile's MR rows are read in place, not packed.</summary>
        public bool RowMajor => !transA;

        /// <summary>Rows of op(A).</summary>
        public int M => m;

        public void Pack(int ic, int mc, int pc, int kc, float* dst) => PackA(a, m, k, transA, ic, mc, pc, kc, dst);
    }

    /// <summary>
    /// For narrow products (N no wider than half the widest tile) a narrower kernel wastes less of
    /// each register tile on padding: N = 10 fills 10 of 16 lanes instead of 10 of 32.
    /// </summary>
    private static SimdLevel NarrowestFitting(SimdLevel level, int n)
    {
        while (level > SimdLevel.Vector128 && n <= For(level).NR / 2)
        {
            level--;
        }
        return level;
    }

    private readonly struct Job<TA>(TA a, float* b, float* c, int m, int n, int k, bool transB, bool accumulate, Epilogue epilogue, SimdLevel level, bool byColumns,
        float* prepacked, int nPadded) : IRangeBody
        where TA : unmanaged, IPanelSourceA
    {
        public void Run(int start, int end)
        {
            var t = For(level);
            if (byColumns)
            {
                MultiplyBlock(t, a, b, c, m, n, k, transB, accumulate, epilogue, 0, m, start * t.NR, Math.Min(n, end * t.NR), prepacked, nPadded);
            }
            else
            {
                MultiplyBlock(t, a, b, c, m, n, k, transB, accumulate, epilogue, start * MR, Math.Min(m, end * MR), 0, n, prepacked, nPadded);
            }
        }
    }

    private static void MultiplyBlock<TA>(Tiling t, in TA a, float* b, float* c, int m, int n, int k,
        bool transB, bool accumulate, Epilogue epilogue, int rowStart, int rowEnd, int colStart, int colEnd, float* prepacked, int nPadded)
        where TA : unmanaged, IPanelSourceA
    {
        int nrW = t.NR, kcMax = t.KC, mcMax = t.MC, ncMax = t.NC;
        var kernel = t.Kernel;
        // A stored [M,K] is read in place by the tiles of MR whole rows: its MR x KC slice stays in L1 across
        // the panels of B anyway, and packing it cost as much as the product when N is narrow (Dense(10)).
        // Only a last partial row tile is packed, zero-padded. All kernels sum every element identically.
        // A stored [K,M] (a weight gradient X^T dY) is read in place too: a tile's MR rows at one step are MR
        // contiguous floats of stored row p. Packing it cost a pass over all of A per column block, each packed
        // float then used only N/NR times (4 for N = 128), a large share when K is long.
        var direct = t.DirectKernel;
        var direct4 = t.DirectKernel4;
        float* rowsA = null;
        long rowStep = 0, stepStride = 0;
        int lda = 0;
        if (typeof(TA) == typeof(DenseA))
        {
            ref readonly var dense = ref Unsafe.As<TA, DenseA>(ref Unsafe.AsRef(in a));
            if (!dense.RowMajor)
            {
                direct = t.DirectTKernel;
                direct4 = t.DirectTKernel4;
            }
            rowsA = direct is null ? null : dense.Data;
            (rowStep, stepStride, lda) = dense.RowMajor ? ((long)k, 1L, k) : (1L, (long)dense.M, dense.M);
        }
        int maxNc = Math.Min(ncMax, RoundUp(colEnd - colStart, nrW));
        // op(B)[ks:ks+kSpan, jc:jc+nc] is packed once per column block and K span, so that each block
        // of C stays in this core's L2 while every K panel of the span is added into it (instead of
        // streaming C once per panel). The span is all of K unless the packed panels would outgrow
        // PackedBFloats (a long K, such as a weight gradient summed over a whole sequence batch);
        // then C is revisited once per span. Every element of C still adds its K panels in order.
        // B packed before the call (weights kept packed between inference calls) is read in place, all of K at once.
        int kSpan = prepacked is not null ? k : Math.Max(kcMax, PackedBFloats / Math.Max(1, maxNc) / kcMax * kcMax);
        kSpan = Math.Min(k, kSpan);
        long bSize = prepacked is not null ? 0 : (long)kSpan * maxNc;
        var packB = bSize == 0 ? Array.Empty<float>() : t_packB is { } pb0 && pb0.Length >= bSize ? pb0 : (t_packB = new float[bSize]);
        var packA = t_packA is { } pa0 && pa0.Length >= kcMax * mcMax ? pa0 : (t_packA = new float[kcMax * mcMax]);
        float* tile = stackalloc float[MR * 32];
        fixed (float* bufB = packB)
        fixed (float* bufA = packA)
        {
            for (int jc = colStart; jc < colEnd; jc += ncMax)
            {
                int nc = Math.Min(ncMax, colEnd - jc);
                int ncPadded = RoundUp(nc, nrW);
                for (int ks = 0; ks < k; ks += kSpan)
                {
                    int kEnd = Math.Min(k, ks + kSpan);
                    bool lastSpan = kEnd == k;
                    for (int pc = ks; pc < kEnd && prepacked is null; pc += kcMax)
                    {
                        PackB(b, n, k, transB, pc, Math.Min(kcMax, kEnd - pc), jc, nc, nrW, bufB + (long)(pc - ks) * ncPadded);
                    }
                    for (int ic = rowStart; ic < rowEnd; ic += mcMax)
                    {
                        int mc = Math.Min(mcMax, rowEnd - ic);
                        for (int pc = ks; pc < kEnd; pc += kcMax)
                        {
                            int kc = Math.Min(kcMax, kEnd - pc);
                            bool acc = accumulate || pc > 0;
                            // Rows [0, sixEnd) go in 6-row tiles read in place, [sixEnd, packFrom) in 4-row ones
                            // (a remainder of 2 rows as 8 = 4 + 4, of 4 as one), the rest packed and zero-padded.
                            int rem = mc % MR;
                            int quads = rowsA is null || direct4 is null ? 0 : rem == 4 ? 1 : rem == 2 && mc >= 8 ? 2 : 0;
                            int sixEnd = rowsA is null ? 0 : mc - rem - (quads == 2 ? MR : 0);
                            int packFrom = sixEnd + 4 * quads;
                            if (packFrom < mc)
                            {
                                a.Pack(ic + packFrom, mc - packFrom, pc, kc, bufA + packFrom * kc);
                            }
                            // A prepacked B holds K block pc at pc * nPadded, the panel of column jc at jc * kc in it.
                            float* bBlock = prepacked is not null ? prepacked + (long)pc * nPadded + (long)jc * kc : bufB + (long)(pc - ks) * ncPadded;
                            for (int jr = 0; jr < nc; jr += nrW)
                            {
                                int nr = Math.Min(nrW, nc - jr);
                                float* bp = bBlock + jr * kc;
                                for (int ir = 0; ir < mc; ir += ir < sixEnd || ir >= packFrom ? MR : 4)
                                {
                                    bool four = ir >= sixEnd && ir < packFrom;
                                    int mr = four ? 4 : Math.Min(MR, mc - ir);
                                    float* ap = bufA + ir * kc;
                                    float* cp = c + (long)(ic + ir) * n + jc + jr;
                                    float* ar = ir < packFrom ? rowsA + (ic + ir) * rowStep + pc * stepStride : null;
                                    if ((mr == MR || four) && nr == nrW)
                                    {
                                        if (four)
                                        {
                                            direct4(kc, ar, lda, bp, cp, n, acc);
                                        }
                                        else if (ar is not null)
                                        {
                                            direct(kc, ar, lda, bp, cp, n, acc);
                                        }
                                        else
                                        {
                                            kernel(kc, ap, bp, cp, n, acc);
                                        }
                                    }
                                    else
                                    {
                                        if (four)
                                        {
                                            direct4(kc, ar, lda, bp, tile, nrW, false);
                                        }
                                        else if (ar is not null)
                                        {
                                            direct(kc, ar, lda, bp, tile, nrW, false);
                                        }
                                        else
                                        {
                                            kernel(kc, ap, bp, tile, nrW, false);
                                        }
                                        for (int i = 0; i < mr; i++)
                                        {
                                            for (int j = 0; j < nr; j++)
                                            {
                                                float v = tile[i * nrW + j];
                                                cp[(long)i * n + j] = acc ? cp[(long)i * n + j] + v : v;
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        if (lastSpan)
                        {
                            epilogue.Apply(c + (long)ic * n, n, mc, jc, nc);
                        }
                    }
                }
            }
        }
    }

    internal static int RoundUp(int x, int r) => (x + r - 1) / r * r;

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
                    case EpilogueActivation.None: break;
                    default: ActivationKernels.Epilogue(activation, row); break;
                }
            }
        }
    }

    /// <summary>Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels, each [kc][MR], zero-padded.</summary>
    private static void PackA(float* a, int m, int k, bool transA, int ic, int mc, int pc, int kc, float* dst)
    {
        if (transA)
        {
            // A is stored [K,M]: op(A)[i,p] = a[p*m + i]. Walk A row by row (K), reading mc contiguous
            // floats and dealing them out to the panels: reading 6 floats from each of kc rows
            // instead would touch a new cache line and page for every 6 floats.
            for (int p = 0; p < kc; p++)
            {
                float* src = a + (long)(pc + p) * m + ic;
                if (Sse.IsSupported && p + 8 < kc)
                {
                    // Rows are far apart (M floats): fetch a few rows ahead, which the hardware
                    // prefetcher does not guess for short strided runs.
                    byte* ahead = (byte*)(src + 8L * m);
                    for (int line = 0; line < mc * sizeof(float); line += 64)
                    {
                        Sse.Prefetch0(ahead + line);
                    }
                }
                int ir = 0;
                if (Vector256.IsHardwareAccelerated && p + 1 < kc)
                {
                    // Each group of MR is contiguous in the row: copy 8 floats and let the last 2
                    // spill into the next p's slot of the same panel, which is written after this
                    // one (so not at the panel's last p), reading no further than column m.
                    for (; ir + MR <= mc && ic + ir + 8 <= m; ir += MR)
                    {
                        Vector256.Store(Vector256.Load(src + ir), dst + ir * kc + p * MR);
                    }
                }
                for (; ir + MR <= mc; ir += MR)
                {
                    float* dp = dst + ir * kc + p * MR;
                    dp[0] = src[ir];
                    dp[1] = src[ir + 1];
                    dp[2] = src[ir + 2];
                    dp[3] = src[ir + 3];
                    dp[4] = src[ir + 4];
                    dp[5] = src[ir + 5];
                }
                if (ir < mc)
                {
                    float* dp = dst + ir * kc + p * MR;
                    for (int r = 0; r < MR; r++)
                    {
                        dp[r] = ir + r < mc ? src[ir + r] : 0f;
                    }
                }
            }
            return;
        }
        // A is [M,K]: read the panel's MR rows side by side so that the packed panel is written in order.
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* d = dst + ir * kc;
            float* s0 = a + (long)(ic + ir) * k + pc;
            if (mr == MR)
            {
                float* s1 = s0 + k, s2 = s1 + k, s3 = s2 + k, s4 = s3 + k, s5 = s4 + k;
                for (int p = 0; p < kc; p++)
                {
                    d[0] = s0[p];
                    d[1] = s1[p];
                    d[2] = s2[p];
                    d[3] = s3[p];
                    d[4] = s4[p];
                    d[5] = s5[p];
                    d += MR;
                }
                continue;
            }
            for (int p = 0; p < kc; p++)
            {
                for (int r = 0; r < MR; r++)
                {
                    d[p * MR + r] = r < mr ? s0[(long)r * k + p] : 0f;
                }
            }
        }
    }

    /// <summary>Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels, each [kc][NR], zero-padded.</summary>
    private static void PackB(float* b, int n, int k, bool transB, int pc, int kc, int jc, int nc, int nrW, float* dst)
    {
        if (!transB)
        {
            // B is [K,N]: walk it row by row, reading nc contiguous floats and dealing them out to the panels,
            // so the reads stream (a panel at a time read 128 bytes per row, rows N floats apart, which left
            // a weight gradient dY^T X waiting on memory for a third of its time).
            for (int p = 0; p < kc; p++)
            {
                float* src = b + (long)(pc + p) * n + jc;
                if (Sse.IsSupported && p + 4 < kc)
                {
                    byte* ahead = (byte*)(src + 4L * n);
                    for (int line = 0; line < nc * sizeof(float); line += 64)
                    {
                        Sse.Prefetch0(ahead + line);
                    }
                }
                for (int jr = 0; jr < nc; jr += nrW)
                {
                    int nr = Math.Min(nrW, nc - jr);
                    float* dp = dst + jr * kc + p * nrW;
                    if (nr == nrW)
                    {
                        CopyFloats(src + jr, dp, nr);
                        continue;
                    }
                    for (int j = 0; j < nrW; j++)
                    {
                        dp[j] = j < nr ? src[jr + j] : 0f;
                    }
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += nrW)
        {
            int nr = Math.Min(nrW, nc - jr);
            float* d = dst + jr * kc;
            // B is stored [N,K]: op(B)[p,j] = b[j*k + p], contiguous in p.
            for (int j = 0; j < nrW; j++)
            {
                if (j < nr)
                {
                    float* src = b + (long)(jc + jr + j) * k + pc;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nrW + j] = src[p];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nrW + j] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> floats (a whole panel row) with whole vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyFloats(float* src, float* dst, int count)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 <= count; j += 16)
            {
                Vector512.Store(Vector512.Load(src + j), dst + j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= count; j += 8)
            {
                Vector256.Store(Vector256.Load(src + j), dst + j);
            }
        }
        for (; j < count; j++)
        {
            dst[j] = src[j];
        }
    }

    /// <summary>6 x 32 tile of 512-bit fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelV512(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            a += MR;
            b += 32;
        }
        Store16(c, c00, c01, accumulate);
        Store16(c + ldc, c10, c11, accumulate);
        Store16(c + 2 * ldc, c20, c21, accumulate);
        Store16(c + 3 * ldc, c30, c31, accumulate);
        Store16(c + 4 * ldc, c40, c41, accumulate);
        Store16(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(float* c, Vector512<float> v0, Vector512<float> v1, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
    }

    /// <summary>6 x 16 tile of 256-bit fused multiply-adds (chosen only when the CPU has FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelV256(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += MR;
            b += 16;
        }
        Store8(c, c00, c01, accumulate);
        Store8(c + ldc, c10, c11, accumulate);
        Store8(c + 2 * ldc, c20, c21, accumulate);
        Store8(c + 3 * ldc, c30, c31, accumulate);
        Store8(c + 4 * ldc, c40, c41, accumulate);
        Store8(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* c, Vector256<float> v0, Vector256<float> v1, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }
        Vector256.Store(v0, c);
        Vector256.Store(v1, c + 8);
    }

    /// <summary>6 x 8 tile of 128-bit multiply-adds (fused where the CPU has it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelV128(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
            var a4 = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(a4, b1, c41);
            var a5 = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(a5, b1, c51);
            a += MR;
            b += 8;
        }
        Store4(c, c00, c01, accumulate);
        Store4(c + ldc, c10, c11, accumulate);
        Store4(c + 2 * ldc, c20, c21, accumulate);
        Store4(c + 3 * ldc, c30, c31, accumulate);
        Store4(c + 4 * ldc, c40, c41, accumulate);
        Store4(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* c, Vector128<float> v0, Vector128<float> v1, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector128.Load(c);
            v1 += Vector128.Load(c + 4);
        }
        Vector128.Store(v0, c);
        Vector128.Store(v1, c + 4);
    }

    /// <summary>The <see cref="KernelV512"/> tile reading A's 6 rows in place (row stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectKernelV512(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var v0 = Vector512.Create(a[p]);
            c00 = Vector512.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector512.Create(a1[p]);
            c10 = Vector512.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector512.Create(a2[p]);
            c20 = Vector512.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector512.Create(a3[p]);
            c30 = Vector512.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(v3, b1, c31);
            var v4 = Vector512.Create(a4[p]);
            c40 = Vector512.FusedMultiplyAdd(v4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(v4, b1, c41);
            var v5 = Vector512.Create(a5[p]);
            c50 = Vector512.FusedMultiplyAdd(v5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(v5, b1, c51);
            b += 32;
        }
        Store16(c, c00, c01, accumulate);
        Store16(c + ldc, c10, c11, accumulate);
        Store16(c + 2 * ldc, c20, c21, accumulate);
        Store16(c + 3 * ldc, c30, c31, accumulate);
        Store16(c + 4 * ldc, c40, c41, accumulate);
        Store16(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>The <see cref="KernelV256"/> tile reading A's 6 rows in place (row stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectKernelV256(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var v0 = Vector256.Create(a[p]);
            c00 = Vector256.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector256.Create(a1[p]);
            c10 = Vector256.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector256.Create(a2[p]);
            c20 = Vector256.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector256.Create(a3[p]);
            c30 = Vector256.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(v3, b1, c31);
            var v4 = Vector256.Create(a4[p]);
            c40 = Vector256.FusedMultiplyAdd(v4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(v4, b1, c41);
            var v5 = Vector256.Create(a5[p]);
            c50 = Vector256.FusedMultiplyAdd(v5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(v5, b1, c51);
            b += 16;
        }
        Store8(c, c00, c01, accumulate);
        Store8(c + ldc, c10, c11, accumulate);
        Store8(c + 2 * ldc, c20, c21, accumulate);
        Store8(c + 3 * ldc, c30, c31, accumulate);
        Store8(c + 4 * ldc, c40, c41, accumulate);
        Store8(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>The <see cref="KernelV128"/> tile reading A's 6 rows in place (row stride <paramref name="lda"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectKernelV128(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var v0 = Vector128.Create(a[p]);
            c00 = Vector128.MultiplyAddEstimate(v0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(v0, b1, c01);
            var v1 = Vector128.Create(a1[p]);
            c10 = Vector128.MultiplyAddEstimate(v1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(v1, b1, c11);
            var v2 = Vector128.Create(a2[p]);
            c20 = Vector128.MultiplyAddEstimate(v2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(v2, b1, c21);
            var v3 = Vector128.Create(a3[p]);
            c30 = Vector128.MultiplyAddEstimate(v3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(v3, b1, c31);
            var v4 = Vector128.Create(a4[p]);
            c40 = Vector128.MultiplyAddEstimate(v4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(v4, b1, c41);
            var v5 = Vector128.Create(a5[p]);
            c50 = Vector128.MultiplyAddEstimate(v5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(v5, b1, c51);
            b += 8;
        }
        Store4(c, c00, c01, accumulate);
        Store4(c + ldc, c10, c11, accumulate);
        Store4(c + 2 * ldc, c20, c21, accumulate);
        Store4(c + 3 * ldc, c30, c31, accumulate);
        Store4(c + 4 * ldc, c40, c41, accumulate);
        Store4(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>The <see cref="DirectKernelV512"/> tile for 4 rows of A read in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direct4KernelV512(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var v0 = Vector512.Create(a[p]);
            c00 = Vector512.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector512.Create(a1[p]);
            c10 = Vector512.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector512.Create(a2[p]);
            c20 = Vector512.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector512.Create(a3[p]);
            c30 = Vector512.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(v3, b1, c31);
            b += 32;
        }
        Store16(c, c00, c01, accumulate);
        Store16(c + ldc, c10, c11, accumulate);
        Store16(c + 2 * ldc, c20, c21, accumulate);
        Store16(c + 3 * ldc, c30, c31, accumulate);
    }

    /// <summary>The <see cref="DirectKernelV256"/> tile for 4 rows of A read in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direct4KernelV256(int kc, float* a, int lda, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var v0 = Vector256.Create(a[p]);
            c00 = Vector256.FusedMultiplyAdd(v0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(v0, b1, c01);
            var v1 = Vector256.Create(a1[p]);
            c10 = Vector256.FusedMultiplyAdd(v1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(v1, b1, c11);
            var v2 = Vector256.Create(a2[p]);
            c20 = Vector256.FusedMultiplyAdd(v2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(v2, b1, c21);
            var v3 = Vector256.Create(a3[p]);
            c30 = Vector256.FusedMultiplyAdd(v3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(v3, b1, c31);
            b += 16;
        }
        Store8(c, c00, c01, accumulate);
        Store8(c + ldc, c10, c11, accumulate);
        Store8(c + 2 * ldc, c20, c21, accumulate);
        Store8(c + 3 * ldc, c30, c31, accumulate);
    }

    /// <summary>6 x 4 tile in scalar code, for CPUs without usable SIMD.</summary>
    private static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        float* acc = stackalloc float[MR * 4];
        for (int i = 0; i < MR * 4; i++)
        {
            acc[i] = 0f;
        }
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < MR; i++)
            {
                float av = a[i];
                acc[i * 4] += av * b[0];
                acc[i * 4 + 1] += av * b[1];
                acc[i * 4 + 2] += av * b[2];
                acc[i * 4 + 3] += av * b[3];
            }
            a += MR;
            b += 4;
        }
        for (int i = 0; i < MR; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i * 4 + j] : acc[i * 4 + j];
            }
        }
    }
}
