using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Uniform distribution (<c>"random_uniform"</c>: [-0.05, 0.05)).</summary>
public sealed class RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null) : RandomInitializer(seed), IKerasSerializable<RandomUniform>
{
    /// <summary>Lower bound of the range.</summary>
    public double Minval => minval;

    /// <summary>Upper bound of the range.</summary>
    public double Maxval => maxval;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["seed"] = Seed, ["minval"] = Minval, ["maxval"] = Maxval };

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        var t = Tensor.Zeros(shape);
        var rng = NewGenerator();
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (float)(minval + (maxval - minval) * rng.NextFloat());
        }
        return t;
    }

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomUniform FromConfig(JsonObject config) => new(Cfg.Double(config, "minval", -0.05), Cfg.Double(config, "maxval", 0.05), Cfg.OptionalInt(config, "seed"));
}
