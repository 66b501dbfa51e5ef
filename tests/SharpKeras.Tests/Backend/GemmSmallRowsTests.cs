using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The few-rows GEMM path (batch-1 inference reads B in place) must give exactly what the packed path gives
/// for the same rows: rows 0..m-1 of a 12-row product (packed) equal the m-row product (in place) bit for bit,
/// at every SIMD level, with and without accumulation, transposed A, bias and activation, at 1 and 2 threads.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class GemmSmallRowsTests
{
    private const int BigRows = 12; // above GemmSmallRows.MaxRows: the packed path

    /// <summary>The first m rows of op(A) for A of BigRows rows, stored as op expects (transposed: [K, m]).</summary>
    private static float[] FirstRows(float[] a, int m, int k, bool transA)
    {
        var r = new float[m * k];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                if (transA)
                {
                    r[p * m + i] = a[p * BigRows + i];
                }
                else
                {
                    r[i * k + p] = a[i * k + p];
                }
            }
        }
        return r;
    }

    [Theory]
    [InlineData(1, 512, 784, false, false, 0)]
    [InlineData(1, 10, 512, false, false, 0)]
    [InlineData(2, 60, 128, false, true, 1)]
    [InlineData(3, 37, 300, true, false, 1)]
    [InlineData(4, 512, 60, false, true, 2)]
    [InlineData(1, 1000, 257, true, true, 3)]
    [InlineData(4, 7, 1100, false, false, 1)]
    public void EqualsThePackedPathBitForBit(int m, int n, int k, bool transA, bool accumulate, int activation)
    {
        Assert.True(m <= GemmSmallRows.MaxRows);
        var a = TestArrays.Uniform(BigRows * k, 1);
        var b = TestArrays.Uniform(k * n, 2);
        var bias = TestArrays.Uniform(n, 3);
        var start = TestArrays.Uniform(BigRows * n, 4);
        var act = (EpilogueActivation)activation;
        var small = FirstRows(a, m, k, transA);
        int saved = Config.Threads;
        // Small shapes too are split over the 2 threads, as they would not be under the production threshold.
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    Config.Threads = threads;
                    var big = (float[])start.Clone();
                    Gemm.Multiply(level, a, b, big, BigRows, n, k, transA, false, accumulate, bias, act);
                    var c = start[..(m * n)];
                    Gemm.Multiply(level, small, b, c, m, n, k, transA, false, accumulate, bias, act);
                    for (int i = 0; i < c.Length; i++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(c[i]) == BitConverter.SingleToInt32Bits(big[i]),
                            $"{level}, {threads} thread(s): C[{i / n},{i % n}] = {c[i]:R} in place, {big[i]:R} packed");
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
    public void ALargeProductSplitAcrossThreadsGivesTheSameBits()
    {
        const int m = 4, n = 1536, k = 1024; // over the fan-out threshold
        var a = TestArrays.Uniform(m * k, 5);
        var b = TestArrays.Uniform(k * n, 6);
        int saved = Config.Threads;
        try
        {
            Config.Threads = 1;
            var one = new float[m * n];
            Gemm.Multiply(a, b, one, m, n, k, false, false, false);
            Config.Threads = 2;
            var two = new float[m * n];
            Gemm.Multiply(a, b, two, m, n, k, false, false, false);
            Assert.Equal(one, two);
        }
        finally
        {
            Config.Threads = saved;
        }
    }
}
