using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Uniform distribution (<c>"random_uniform"</c>: [-0.05, 0.05)).</summary>
public sealed class RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null) : RandomInitializer(seed)
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
}
