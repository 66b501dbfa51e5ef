using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

public class GemmTests
{
    private static float[] Rand(int n, int seed)
    {
        var rng = new SeedGenerator(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = rng.NextFloat() * 2 - 1;
        }
        return r;
    }

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
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(int m, int n, int k, bool ta, bool tb)
    {
        var a = Rand(m * k, 1);
        var b = Rand(k * n, 2);
        var expected = Reference(a, b, m, n, k, ta, tb);
        foreach (int threads in new[] { 1, 2 })
        {
            int saved = Config.Threads;
            Config.Threads = threads;
            try
            {
                var c = new float[m * n];
                Gemm.Multiply(a, b, c, m, n, k, ta, tb, accumulate: false);
                for (int i = 0; i < c.Length; i++)
                {
                    Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-4 * Math.Sqrt(k) + 1e-5, $"C[{i}] = {c[i]}, expected {expected[i]} (threads {threads})");
                }
                // Accumulating adds the product to what C held.
                Gemm.Multiply(a, b, c, m, n, k, ta, tb, accumulate: true);
                for (int i = 0; i < c.Length; i++)
                {
                    Assert.True(Math.Abs(c[i] - 2 * expected[i]) <= 2e-4 * Math.Sqrt(k) + 1e-5);
                }
            }
            finally
            {
                Config.Threads = saved;
            }
        }
    }

    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        int m = 1000, n = 130, k = 784;
        var a = Rand(m * k, 3);
        var b = Rand(k * n, 4);
        int saved = Config.Threads;
        try
        {
            Config.Threads = 1;
            var c1 = new float[m * n];
            Gemm.Multiply(a, b, c1, m, n, k, false, false, false);
            Config.Threads = 2;
            var c2 = new float[m * n];
            Gemm.Multiply(a, b, c2, m, n, k, false, false, false);
            Assert.Equal(c1, c2);
        }
        finally
        {
            Config.Threads = saved;
        }
    }
}
