using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The GEMM with B packed once (weights kept packed between inference calls, a recurrent kernel packed once per
/// sequence) gives exactly the floats of the GEMM that packs B itself: bit for bit at every SIMD level, at 1 and
/// 2 threads, through the packed kernels (many rows) and the few-rows path, with bias and activation; and both
/// backends' packed multiplies match the reference backend's plain one.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class GemmPrepackedTests
{
    public static TheoryData<int, int, int, bool, bool, bool, int> Cases() => new()
    {
        { 1, 512, 784, false, false, false, 1 },
        { 1, 10, 512, false, false, false, 0 },
        { 2, 60, 128, false, true, true, 3 },
        { 3, 37, 300, true, false, true, 2 },
        { 4, 512, 60, false, true, false, 1 },
        { 12, 77, 129, true, false, false, 2 },
        { 128, 512, 784, false, false, false, 1 },
        { 200, 31, 300, false, true, true, 3 },
        { 129, 1000, 257, true, false, false, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsTheUnpackedGemmBitForBit(int m, int n, int k, bool transA, bool transB, bool accumulate, int activation)
    {
        var a = TestArrays.Uniform(m * k, 1);
        var b = TestArrays.Uniform(k * n, 2);
        var bias = TestArrays.Uniform(n, 3);
        var start = TestArrays.Uniform(m * n, 4);
        var act = (EpilogueActivation)activation;
        int saved = Config.Threads;
        // Small shapes too are split over the 2 threads, as they would not be under the production threshold.
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                var packed = Gemm.PackPanels(level, b, k, n, transB, null);
                foreach (int threads in new[] { 1, 2 })
                {
                    Config.Threads = threads;
                    var expected = (float[])start.Clone();
                    Gemm.Multiply(level, a, b, expected, m, n, k, transA, transB, accumulate, bias, act);
                    var c = (float[])start.Clone();
                    Gemm.MultiplyPrepacked(a, packed, c, m, transA, accumulate, bias, act);
                    for (int i = 0; i < c.Length; i++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(c[i]) == BitConverter.SingleToInt32Bits(expected[i]),
                            $"{level}, {threads} thread(s): C[{i / n},{i % n}] = {c[i]:R} prepacked, {expected[i]:R} packed per call");
                    }
                }
            }
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    [Fact]
    public void RepackingIntoAReusedBufferFollowsTheNewValues()
    {
        const int m = 6, n = 40, k = 33;
        var a = TestArrays.Uniform(m * k, 5);
        var b1 = TestArrays.Uniform(k * n, 6);
        var b2 = TestArrays.Uniform(k * n, 7);
        var first = Gemm.PackPanels(Gemm.Level, b1, k, n, false, null);
        var again = Gemm.PackPanels(Gemm.Level, b2, k, n, false, first);
        Assert.Same(first, again);
        var expected = new float[m * n];
        Gemm.Multiply(a, b2, expected, m, n, k, false, false, false);
        var c = new float[m * n];
        Gemm.MultiplyPrepacked(a, again, c, m, false, false, default, EpilogueActivation.None);
        Assert.Equal(expected, c);
        // A different shape gets a buffer of its own.
        Assert.NotSame(first, Gemm.PackPanels(Gemm.Level, b2, n, k, false, first));
    }

    [Theory]
    [InlineData(1, 17, 300, false, false, 1)]
    [InlineData(5, 33, 70, true, true, 2)]
    [InlineData(64, 129, 65, false, true, 3)]
    public void BothBackendsPackedMatchTheReferenceMultiply(int m, int n, int k, bool transA, bool transB, int activation)
    {
        IBackend cpu = CpuBackend.Instance, reference = ReferenceBackend.Instance;
        var a = TestArrays.Uniform(m * k, 8);
        var b = TestArrays.Uniform(k * n, 9);
        var bias = TestArrays.Uniform(n, 10);
        var act = (EpilogueActivation)activation;
        var expected = new float[m * n];
        reference.MatMul(a, b, expected, m, n, k, transA, transB, false, bias, act);
        var viaReference = new float[m * n];
        reference.MatMulPacked(a, reference.PackMatrix(b, k, n, transB), viaReference, m, transA, false, bias, act);
        Assert.Equal(expected, viaReference);
        var viaCpu = new float[m * n];
        cpu.MatMulPacked(a, cpu.PackMatrix(b, k, n, transB), viaCpu, m, transA, false, bias, act);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - viaCpu[i]) <= 1e-4f * (1 + Math.Abs(expected[i])) * MathF.Sqrt(k), $"[{i}] cpu {viaCpu[i]}, reference {expected[i]}");
        }
        // A packing belongs to the backend that made it.
        Assert.Throws<ArgumentException>(() => cpu.MatMulPacked(a, reference.PackMatrix(b, k, n, transB), viaCpu, m, transA, false));
    }
}
