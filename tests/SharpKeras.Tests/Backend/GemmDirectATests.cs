using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The GEMM reads A in place, stored row-major or transposed, in tiles of 6 (and 4) whole rows (packing only a last
/// partial tile). It must give exactly the floats of the packed kernels: A packed into panels by a simple panel source,
/// A stored row-major and A stored transposed give the same bits, and rows of a few-rows product over prepacked panels equal the same rows of a many-rows one
/// (tiled, A in place), at every SIMD level, at 1 and 2 threads, all within float32 rounding of a double-precision product.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public unsafe class GemmDirectATests
{
    /// <summary>A row-major A packed into the GEMM's [kc][MR] panels, zero-padded, so that every tile takes the packed kernel.</summary>
    private readonly struct PackedRows(float* a, int m, int k) : IPanelSourceA
    {
        public void Pack(int ic, int mc, int pc, int kc, float* dst)
        {
            for (int ir = 0; ir < mc; ir += Gemm.MR)
            {
                for (int p = 0; p < kc; p++)
                {
                    for (int r = 0; r < Gemm.MR; r++)
                    {
                        int row = ic + ir + r;
                        dst[ir * kc + p * Gemm.MR + r] = ir + r < mc && row < m ? a[(long)row * k + pc + p] : 0f;
                    }
                }
            }
        }
    }

    private static float[] ViaPackedPanels(SimdLevel level, float[] a, float[] b, float[] start, float[] bias, int m, int n, int k,
        bool accumulate, EpilogueActivation act)
    {
        var c = (float[])start.Clone();
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        {
            Gemm.MultiplyPacked(level, new PackedRows(pa, m, k), pb, pc, m, n, k, false, accumulate, pbias, act);
        }
        return c;
    }

    private static float[] Transpose(float[] a, int rows, int cols)
    {
        var t = new float[a.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    /// <summary>A [m,k] times B [k,n] in double, plus <paramref name="start"/> when accumulating, then bias and relu when asked.</summary>
    private static double[] Reference(float[] a, float[] b, float[] start, float[] bias, int m, int n, int k, bool accumulate, bool relu)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = accumulate ? start[i * n + j] : 0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)a[i * k + p] * b[p * n + j];
                }
                s += bias[j];
                c[i * n + j] = relu ? Math.Max(0, s) : s;
            }
        }
        return c;
    }

    private static void AssertSameBits(float[] expected, float[] actual, int n, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: C[{i / n},{i % n}] = {actual[i]:R}, packed A gives {expected[i]:R}");
        }
    }

    public static TheoryData<int, int, int, bool, bool> Shapes() => new()
    {
        // mnist_mlp's shapes at batch 128 (128 = 21 tiles of 6 rows and a 2-row tile), fewer columns to keep the test short.
        { 128, 96, 784, false, true },
        { 128, 10, 512, false, false },
        { 6, 32, 1, false, false },
        // 4 rows over the 6-row tiles: one 4-row tile; 2 rows over (8, 20, 128, 200): two.
        { 10, 40, 200, true, true },
        { 8, 64, 130, false, false },
        { 7, 17, 300, true, false },
        { 12, 600, 64, false, true },
        { 131, 33, 129, true, true },
        { 200, 31, 600, false, false },
        // Long K: B is packed in spans, and the tiles read A from the span's offset.
        { 8, 520, 2100, true, false },
        // A weight gradient's shape, scaled down: 6-row tiles and a 4-row one over a long K, N of 4 panels at 512 bits.
        { 40, 128, 1100, false, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AReadInPlaceEitherLayoutEqualsPackedABitForBit(int m, int n, int k, bool accumulate, bool relu)
    {
        var a = TestArrays.Uniform(m * k, 1);
        var at = Transpose(a, m, k);
        var b = TestArrays.Uniform(k * n, 2);
        var bias = TestArrays.Uniform(n, 3);
        var start = TestArrays.Uniform(m * n, 4);
        var act = relu ? EpilogueActivation.Relu : EpilogueActivation.None;
        var expected = Reference(a, b, start, bias, m, n, k, accumulate, relu);
        int saved = Config.Threads;
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                var packed = Gemm.PackPanels(level, b, k, n, false, null);
                foreach (int threads in new[] { 1, 2 })
                {
                    Config.Threads = threads;
                    var viaPacking = ViaPackedPanels(level, a, b, start, bias, m, n, k, accumulate, act);
                    var transposed = (float[])start.Clone();
                    Gemm.Multiply(level, at, b, transposed, m, n, k, true, false, accumulate, bias, act);
                    AssertSameBits(viaPacking, transposed, n, $"{level}, {threads} thread(s), A stored transposed");
                    var inPlace = (float[])start.Clone();
                    Gemm.Multiply(level, a, b, inPlace, m, n, k, false, false, accumulate, bias, act);
                    AssertSameBits(viaPacking, inPlace, n, $"{level}, {threads} thread(s), B packed per call");
                    var prepacked = (float[])start.Clone();
                    Gemm.MultiplyPrepacked(a, packed, prepacked, m, false, accumulate, bias, act);
                    AssertSameBits(viaPacking, prepacked, n, $"{level}, {threads} thread(s), B prepacked");
                    for (int i = 0; i < inPlace.Length; i++)
                    {
                        Assert.True(Math.Abs(inPlace[i] - expected[i]) <= 1e-4 * Math.Sqrt(k) + 1e-5,
                            $"{level}: C[{i / n},{i % n}] = {inPlace[i]}, expected {expected[i]}");
                    }
                }
            }
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    [Theory]
    // 10 panels of 32 at Vector512 (the last with a 5-column tail); 16-wide panels below.
    [InlineData(1, 293, 300, false)]
    [InlineData(2, 293, 129, true)]
    [InlineData(3, 128, 400, false)]
    [InlineData(4, 512, 1, true)]
    [InlineData(1, 70, 257, true)]
    public void FewRowsOverPanelsEqualTheTiledKernelBitForBit(int m, int n, int k, bool transA)
    {
        const int bigRows = 13; // past the few-rows path: the tiled kernels
        var aBig = TestArrays.Uniform(bigRows * k, 5);
        var b = TestArrays.Uniform(k * n, 6);
        var bias = TestArrays.Uniform(n, 7);
        // The first m rows of A, stored as op(A) expects.
        var aRows = aBig[..(m * k)];
        var aSmall = transA ? Transpose(aRows, m, k) : aRows;
        var aLarge = transA ? Transpose(aBig, bigRows, k) : aBig;
        int saved = Config.Threads;
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                var packed = Gemm.PackPanels(level, b, k, n, false, null);
                foreach (int threads in new[] { 1, 2 })
                {
                    Config.Threads = threads;
                    var big = new float[bigRows * n];
                    Gemm.MultiplyPrepacked(aLarge, packed, big, bigRows, transA, false, bias, EpilogueActivation.Tanh);
                    var small = new float[m * n];
                    Gemm.MultiplyPrepacked(aSmall, packed, small, m, transA, false, bias, EpilogueActivation.Tanh);
                    AssertSameBits(big[..(m * n)], small, n, $"{level}, {threads} thread(s), {m} row(s)");
                }
            }
        }
        finally
        {
            Config.Threads = saved;
        }
    }
}
