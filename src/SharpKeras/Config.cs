namespace SharpKeras;

/// <summary>Process-wide settings, as Keras's <c>keras.config</c> and <c>keras.utils.set_random_seed</c>.</summary>
public static class Config
{
    private static int _threads = Environment.ProcessorCount;

    /// <summary>
    /// How many threads CPU kernels may use (default: all cores). Results do not depend on it:
    /// kernels split work by output blocks, never by reduction order.
    /// </summary>
    public static int Threads
    {
        get => _threads;
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Config.Threads must be >= 1.");
            }
            _threads = value;
        }
    }

    /// <summary>
    /// The compute backend every op runs on: <c>"cpu"</c> (SIMD kernels on every core, the default) or
    /// <c>"reference"</c> (plain scalar loops, slow, the oracle the CPU kernels are tested against).
    /// Starts from the environment variable <c>SHARPKERAS_BACKEND</c>; set it before building a model,
    /// since ops recorded for a training step keep running on the backend they were recorded with where they hold scratch for it.
    /// </summary>
    public static string Backend
    {
        get => SharpKeras.Backend.Kernels.Current.Name;
        set => SharpKeras.Backend.Kernels.Current = SharpKeras.Backend.Kernels.Resolve(value, "Config.Backend");
    }

    /// <summary>
    /// Seeds every source of randomness that has no explicit seed (initializers, dropout,
    /// shuffling), as <c>keras.utils.set_random_seed</c>. The seeded stream follows the calling
    /// code's execution context (the tasks and threads it starts afterwards), so concurrent callers
    /// that each seed get reproducible streams of their own.
    /// </summary>
    public static void SetRandomSeed(int seed) => SeedGenerator.SeedGlobal(seed);

    // Per flow, as the seeded stream: a test or a request that sets a policy does not change the layers another builds.
    private static readonly AsyncLocal<DtypePolicies.DTypePolicy?> s_dtypePolicy = new();

    /// <summary>
    /// Sets the dtype policy that layers built afterwards take when given none (Keras's <c>keras.config.set_dtype_policy</c>):
    /// <c>"float32"</c> (the default) or <c>"mixed_bfloat16"</c>. Like <see cref="SetRandomSeed"/> it follows the calling code's
    /// execution context (the tasks and threads it starts afterwards), so concurrent callers (parallel tests) do not see each other's policy.
    /// </summary>
    public static void SetDtypePolicy(string policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        s_dtypePolicy.Value = DtypePolicies.DTypePolicy.Of(policy, "Config.SetDtypePolicy policy");
    }

    /// <summary>Sets the calling flow's global dtype policy to <paramref name="policy"/> (Keras's <c>keras.config.set_dtype_policy(policy)</c>).</summary>
    public static void SetDtypePolicy(DtypePolicies.DTypePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        s_dtypePolicy.Value = policy;
    }

    /// <summary>The calling flow's global dtype policy (Keras's <c>keras.config.dtype_policy()</c>); float32 unless set.</summary>
    public static DtypePolicies.DTypePolicy DtypePolicy() => s_dtypePolicy.Value ?? DtypePolicies.DTypePolicy.Float32;
}
