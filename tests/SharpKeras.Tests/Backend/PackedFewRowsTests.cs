using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// Dense's batch-1 product over packed weights, split across threads by weights read, gives exactly the floats of
/// <see cref="Gemm.MultiplyPrepacked"/>: bit for bit at every SIMD level, 1 to 4 rows, at 1 and 2 threads, with
/// bias and every fused activation, for widths that leave a partial panel and a partial group of panels.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class PackedFewRowsTests
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
    public void EqualsThePrepackedGemmBitForBit(int m, int n, int k, bool accumulate)
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
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                var packed = Gemm.PackPanels(level, b, k, n, false, null);
                if (!PackedFewRows.Applies(packed, m, false))
                {
                    // Scalar panels round each product before the add: the backend keeps them on the GEMM's own path.
                    Assert.Equal(SimdLevel.Scalar, level);
                    continue;
                }
                foreach (var act in Enum.GetValues<EpilogueActivation>())
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        Config.Threads = threads;
                        var c = (float[])start.Clone();
                        PackedFewRows.Multiply(a, packed, c, m, accumulate, act == EpilogueActivation.None ? default : bias, act);
                        var reference = (float[])start.Clone();
                        Gemm.MultiplyPrepacked(a, packed, reference, m, false, accumulate, act == EpilogueActivation.None ? default : bias, act);
                        for (int i = 0; i < c.Length; i++)
                        {
                            Assert.True(BitConverter.SingleToInt32Bits(c[i]) == BitConverter.SingleToInt32Bits(reference[i]),
                                $"{level}, {act}, {threads} thread(s): C[{i / n},{i % n}] = {c[i]:R}, {reference[i]:R} through the GEMM");
                        }
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
