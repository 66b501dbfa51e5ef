using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

[Collection(SharpKeras.Tests.Backend.ThreadCountCollection.Name)]
public class GemmTests
{
    private static float[] Reference(float[] a, float[] b, int m, int n, int k, bool ta, bool tb)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = ta ? a[p * m + i] : a[i * k + p];
                    float bv = tb ? b[j * k + p] : b[p * n + j];
                    s += (double)av * bv;
                }
                c[i * n + j] = (float)s;
            }
        }
        return c;
    }

    public static TheoryData<int, int, int, bool, bool> Shapes() => new()
    {
        { 1, 1, 1, false, false },
        { 6, 16, 8, false, false },
        { 7, 17, 300, false, false },
        { 13, 5, 3, true, false },
        { 50, 33, 270, false, true },
        { 37, 129, 513, true, true },
        { 300, 40, 20, true, false },
        { 128, 1100, 64, false, false },
        { 5, 3, 2, false, true },
        { 200, 31, 600, true, true },
        { 1030, 70, 9, false, false },
        // Long K: the packed B panels would outgrow a thread's budget, so K is taken in spans.
        { 20, 600, 2100, true, false },
        { 9, 520, 1100, false, true },
    };

    /// <summary>Every SIMD level this CPU runs, from scalar up to the best.</summary>
    private static IEnumerable<SimdLevel> Levels() => Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(int m, int n, int k, bool ta, bool tb)
    {
        var a = TestArrays.Uniform(m * k, 1);
        var b = TestArrays.Uniform(k * n, 2);
        var expected = Reference(a, b, m, n, k, ta, tb);
        foreach (var level in Levels())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                int saved = Config.Threads;
                Config.Threads = threads;
                // Small shapes too are split over the 2 threads, as they would not be under the production threshold.
                using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
                try
                {
                    var c = new float[m * n];
                    Gemm.Multiply(level, a, b, c, m, n, k, ta, tb, false, default, EpilogueActivation.None);
                    for (int i = 0; i < c.Length; i++)
                    {
                        Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-4 * Math.Sqrt(k) + 1e-5, $"{level}: C[{i}] = {c[i]}, expected {expected[i]} (threads {threads})");
                    }
                    // Accumulating adds the product to what C held.
                    Gemm.Multiply(level, a, b, c, m, n, k, ta, tb, true, default, EpilogueActivation.None);
                    for (int i = 0; i < c.Length; i++)
                    {
                        Assert.True(Math.Abs(c[i] - 2 * expected[i]) <= 2e-4 * Math.Sqrt(k) + 1e-5, $"{level}: accumulated C[{i}] = {c[i]}, expected {2 * expected[i]}");
                    }
                }
                finally
                {
                    Config.Threads = saved;
                }
            }
        }
    }

    [Theory]
    [InlineData(0, 300)]
    [InlineData(1, 300)]
    [InlineData(2, 300)]
    [InlineData(3, 300)]
    [InlineData(1, 2100)]
    public void EpilogueAddsBiasAndAppliesTheActivation(int kind, int k)
    {
        // k = 2100 with n = 600 takes K in spans: the epilogue must wait for the last one.
        var activation = (EpilogueActivation)kind;
        int m = 45, n = k > 1000 ? 600 : 37;
        var a = TestArrays.Uniform(m * k, 5);
        var b = TestArrays.Uniform(k * n, 6);
        var bias = TestArrays.Uniform(n, 7);
        var product = Reference(a, b, m, n, k, false, false);
        foreach (var level in Levels())
        {
            var c = new float[m * n];
            Gemm.Multiply(level, a, b, c, m, n, k, false, false, false, bias, activation);
            for (int i = 0; i < c.Length; i++)
            {
                double z = product[i] + bias[i % n];
                double expected = activation switch
                {
                    EpilogueActivation.Relu => Math.Max(z, 0),
                    EpilogueActivation.Sigmoid => 1 / (1 + Math.Exp(-z)),
                    EpilogueActivation.Tanh => Math.Tanh(z),
                    _ => z,
                };
                Assert.True(Math.Abs(c[i] - expected) <= 1e-4 * Math.Sqrt(k), $"{level} {activation}: C[{i}] = {c[i]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void EnvironmentVariableNamesAValidLevel()
    {
        // SHARPKERAS_SIMD forces a narrower kernel; the active level never exceeds what the CPU has.
        Assert.True(Gemm.Level <= Gemm.Best);
        var requested = Environment.GetEnvironmentVariable("SHARPKERAS_SIMD");
        if (string.IsNullOrEmpty(requested))
        {
            Assert.Equal(Gemm.Best, Gemm.Level);
        }
        else
        {
            var level = Enum.Parse<SimdLevel>(requested, ignoreCase: true);
            Assert.Equal(level > Gemm.Best ? Gemm.Best : level, Gemm.Level);
        }
    }

    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        int m = 1000, n = 130, k = 784;
        var a = TestArrays.Uniform(m * k, 3);
        var b = TestArrays.Uniform(k * n, 4);
        int saved = Config.Threads;
        try
        {
            Config.Threads = 1;
            var c1 = new float[m * n];
            Gemm.Multiply(a, b, c1, m, n, k, false, false, false);
            Config.Threads = 2;
            var c2 = new float[m * n];
            Gemm.Multiply(a, b, c2, m, n, k, false, false, false);
            // Nothing else may have changed the setting while the product ran (see ThreadCountCollection).
            Assert.Equal(2, Config.Threads);
            Assert.Equal(c1, c2);
        }
        finally
        {
            Config.Threads = saved;
        }
    }
}
