namespace SharpKeras.Backend;

/// <summary>
/// The backend the ops layer runs on: <c>cpu</c> (SIMD and threads, the default) or <c>reference</c>
/// (plain scalar loops, the oracle tests compare against), read once from the environment variable
/// <c>SHARPKERAS_BACKEND</c> and changeable through <see cref="SharpKeras.Config.Backend"/>.
/// </summary>
internal static class Kernels
{
    /// <summary>The names <see cref="Resolve"/> accepts.</summary>
    public static readonly string[] Names = ["cpu", "reference"];

    /// <summary>The backend every op uses now. A field (not a property with logic) so that each kernel call costs one load and one interface call, and allocates nothing.</summary>
    public static IBackend Current = Resolve(Environment.GetEnvironmentVariable("SHARPKERAS_BACKEND"), "SHARPKERAS_BACKEND");

    /// <summary>The backend for a name (case-insensitive; null or empty gives cpu), or an error naming <paramref name="source"/> and the valid names.</summary>
    public static IBackend Resolve(string? name, string source) => (name?.Trim().ToLowerInvariant()) switch
    {
        null or "" or "cpu" => Cpu.CpuBackend.Instance,
        "reference" => Reference.ReferenceBackend.Instance,
        _ => throw new ArgumentException($"{source}: unknown backend '{name}'; expected one of: {string.Join(", ", Names)}."),
    };
}
