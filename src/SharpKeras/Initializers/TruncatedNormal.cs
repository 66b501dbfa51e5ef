using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>
/// A normal distribution with draws farther than two standard deviations from the mean redrawn
/// (<c>keras.initializers.TruncatedNormal</c>, <c>"truncated_normal"</c>: mean 0, stddev 0.05).
/// </summary>
public sealed class TruncatedNormal(double mean = 0.0, double stddev = 0.05, int? seed = null) : RandomInitializer(seed), IKerasSerializable<TruncatedNormal>
{
    /// <summary>Mean of the distribution.</summary>
    public double Mean => mean;

    /// <summary>Standard deviation of the normal before truncation (as Keras's argument).</summary>
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
            double z;
            do
            {
                z = rng.NextNormal();
            }
            while (z < -2.0 || z > 2.0);
            s[i] = (float)(mean + stddev * z);
        }
        return t;
    }

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static TruncatedNormal FromConfig(JsonObject config) =>
        new(Cfg.Double(config, "mean", 0.0), Cfg.Double(config, "stddev", 0.05), Cfg.OptionalInt(config, "seed"));
}
