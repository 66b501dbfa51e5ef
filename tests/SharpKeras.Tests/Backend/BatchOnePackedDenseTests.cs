using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// Dense's batch-1 product over packed weights, whose few-rows path is split across threads by weights read, gives
/// the same floats at 1 and 2 threads at every SIMD level, 1 to 4 rows, with bias and every fused activation, for
/// widths that leave a partial panel; and the CPU backend's packed product equals the training forward's.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class BatchOnePackedDenseTests
{
    public static TheoryData<int, int, int, bool> Cases() => new()
    {
        { 1, 512, 784, false },
        { 1, 10, 512, false },
        { 2, 60, 300, true },
        { 3, 37, 129, false },
        { 4, 1000, 65, true },
        { 1, 97, 1, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoThreadsGiveTheFloatsOfOne(int m, int n, int k, bool accumulate)
    {
        var a = TestArrays.Uniform(m * k, 11);
        var b = TestArrays.Uniform(k * n, 12);
        var bias = TestArrays.Uniform(n, 13);
        var start = TestArrays.Uniform(m * n, 14);
        int saved = Config.Threads;
        // Small shapes too are split over the 2 threads, as they would not be under the production threshold.
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            // The scalar level packs 4-column panels and applies the epilogue per thread's column block, so a sigmoid's
            // vector/scalar split of a row follows the split of the columns (known, not fixed; whole-vector panels at every SIMD level).
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best && l != SimdLevel.Scalar))
            {
                var packed = Gemm.PackPanels(level, b, k, n, false, null);
                foreach (var act in Enum.GetValues<EpilogueActivation>())
                {
                    var results = new float[2][];
                    foreach (int threads in new[] { 1, 2 })
                    {
                        Config.Threads = threads;
                        var c = (float[])start.Clone();
                        Gemm.MultiplyPrepacked(a, packed, c, m, false, accumulate, act == EpilogueActivation.None ? default : bias, act);
                        results[threads - 1] = c;
                    }
                    for (int i = 0; i < results[0].Length; i++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(results[0][i]) == BitConverter.SingleToInt32Bits(results[1][i]),
                            $"{level}, {act}: C[{i / n},{i % n}] = {results[1][i]:R} at 2 threads, {results[0][i]:R} at 1");
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
    public void TheCpuBackendTakesThisPathForBatchOneWithTheSameFloatsAsTrainingsForward()
    {
        const int m = 1, n = 130, k = 200;
        var a = TestArrays.Uniform(m * k, 15);
        var b = TestArrays.Uniform(k * n, 16);
        var bias = TestArrays.Uniform(n, 17);
        IBackend cpu = CpuBackend.Instance;
        var expected = new float[m * n];
        cpu.MatMul(a, b, expected, m, n, k, false, false, false, bias, EpilogueActivation.Relu);
        var c = new float[m * n];
        cpu.MatMulPacked(a, cpu.PackMatrix(b, k, n, false), c, m, false, false, bias, EpilogueActivation.Relu);
        Assert.Equal(expected, c);
    }
}
