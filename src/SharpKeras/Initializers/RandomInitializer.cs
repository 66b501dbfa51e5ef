using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Base of initializers that draw random numbers; a fixed seed gives the same values on every call.</summary>
public abstract class RandomInitializer(int? seed) : Initializer
{
    /// <summary>The seed, or null to draw from the global generator (<see cref="Config.SetRandomSeed"/>).</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["seed"] = Seed };

    /// <summary>A generator for one call.</summary>
    protected SeedGenerator NewGenerator() => SeedGenerator.FromSeed(Seed);
}
