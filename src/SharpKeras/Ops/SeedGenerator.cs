namespace SharpKeras;

/// <summary>
/// A seeded source of random numbers (Keras's SeedGenerator), xoshiro256** so that a seed gives
/// the same stream on every platform and .NET version.
/// </summary>
public sealed class SeedGenerator
{
    private Backend.RandomState _state;
    private readonly object _lock = new();

    private static SeedGenerator s_processWide = new((int)(Environment.TickCount64 & 0x7fffffff));

    // The seeded generator also travels with the execution context (the tasks and threads the
    // seeding code starts), so that two flows that each seed and then build (parallel tests, two
    // requests on a server) draw their own streams instead of interleaving on one.
    private static readonly AsyncLocal<SeedGenerator?> s_flow = new();

    /// <summary>The generator used where no seed is given; reset by <see cref="Config.SetRandomSeed"/> for the calling flow and the process.</summary>
    public static SeedGenerator Global => s_flow.Value ?? Volatile.Read(ref s_processWide);

    /// <summary>
    /// Restarts the calling flow's stream and the process-wide one at <paramref name="seed"/>, as two
    /// generators: were they one object, every flow that never seeded would draw from the seeding flow's
    /// stream and shift it (a parallel test, another request), so a seeded run would not repeat.
    /// </summary>
    internal static void SeedGlobal(int seed)
    {
        Volatile.Write(ref s_processWide, new SeedGenerator(seed));
        s_flow.Value = new SeedGenerator(seed);
    }

    /// <summary>A generator whose stream is fixed by <paramref name="seed"/>.</summary>
    public SeedGenerator(int seed) => Reseed(seed);

    /// <summary>Restarts the stream as <c>new SeedGenerator(seed)</c> would (a replayed step redraws without allocating).</summary>
    internal void Reseed(int seed)
    {
        ulong x = (ulong)(uint)seed + 0x9E3779B97F4A7C15UL;
        _state.S0 = SplitMix(ref x);
        _state.S1 = SplitMix(ref x);
        _state.S2 = SplitMix(ref x);
        _state.S3 = SplitMix(ref x);
    }

    /// <summary>A generator seeded from <paramref name="seed"/> when given, else from the global generator.</summary>
    public static SeedGenerator FromSeed(int? seed) => seed is { } s ? new SeedGenerator(s) : new SeedGenerator(Global.NextInt());

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        lock (_lock)
        {
            return _state.Next();
        }
    }

    /// <summary>Fills <paramref name="values"/> with floats uniform in [0, 1), taking the lock once.</summary>
    public void NextFloats(Span<float> values) => Fill(values);

    /// <summary>
    /// A dropout mask: each element is <paramref name="scale"/> where a uniform draw in [0, 1) is
    /// below <paramref name="keep"/> (to 24-bit resolution) and 0 elsewhere.
    /// </summary>
    internal void NextMask(Span<float> mask, float keep, float scale)
    {
        lock (_lock)
        {
            Backend.Kernels.Current.DropoutMask(ref _state, mask, keep, scale);
        }
    }

    private void Fill(Span<float> values)
    {
        lock (_lock)
        {
            Backend.Kernels.Current.UniformFloats(ref _state, values);
        }
    }

    /// <summary>A non-negative 31-bit integer.</summary>
    public int NextInt() => (int)(NextUInt64() >> 33);

    /// <summary>An integer uniform in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 32) * (ulong)n >> 32);

    /// <summary>A float uniform in [0, 1).</summary>
    public float NextFloat() => UnitFloat(NextUInt64());

    /// <summary>The top 24 bits as a float in [0, 1): every value exactly representable.</summary>
    // Through int: the 24-bit value converts exactly, and int-to-float is one instruction where ulong-to-float is a slow helper.
    private static float UnitFloat(ulong bits) => (int)(bits >> 40) * (1f / (1 << 24));

    /// <summary>A standard normal sample (Box-Muller).</summary>
    public double NextNormal()
    {
        double u1 = ((NextUInt64() >> 11) + 1.0) * (1.0 / (1UL << 53));
        double u2 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher-Yates shuffles <paramref name="values"/> in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
