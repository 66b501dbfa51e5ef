using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Normal distribution (<c>"random_normal"</c>: mean 0, stddev 0.05).</summary>
public sealed class RandomNormal(double mean = 0.0, double stddev = 0.05, int? seed = null) : RandomInitializer(seed), IKerasSerializable<RandomNormal>
{
    /// <summary>Mean of the distribution.</summary>
    public double Mean => mean;

    /// <summary>Standard deviation of the distribution.</summary>
    public double Stddev => stddev;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["seed"] = Seed, ["mean"] = Mean, ["stddev"] = Stddev };

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        var t = Tensor.Zeros(shape);
        var rng = NewGenerator();
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (float)(mean + stddev * rng.NextNormal());
        }
        return t;
    }

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomNormal FromConfig(JsonObject config) => new(Cfg.Double(config, "mean", 0.0), Cfg.Double(config, "stddev", 0.05), Cfg.OptionalInt(config, "seed"));
}
