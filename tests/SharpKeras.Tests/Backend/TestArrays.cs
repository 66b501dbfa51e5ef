namespace SharpKeras.Tests.Backend;

/// <summary>Seeded inputs shared by the kernel tests, so each test names its data by a seed instead of carrying its own generator.</summary>
internal static class TestArrays
{
    /// <summary><paramref name="n"/> floats uniform in [-1, 1), the same for the same <paramref name="seed"/>.</summary>
    public static float[] Uniform(int n, int seed)
    {
        var rng = new SeedGenerator(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = rng.NextFloat() * 2 - 1;
        }
        return r;
    }
}
