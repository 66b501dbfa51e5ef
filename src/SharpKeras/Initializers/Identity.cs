using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>gain times the identity matrix, for 2-D weights only (<c>keras.initializers.Identity</c>, <c>"identity"</c>).</summary>
public sealed class Identity(double gain = 1.0) : Initializer, IKerasSerializable<Identity>
{
    /// <summary>The factor applied to the identity matrix.</summary>
    public double Gain => gain;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["gain"] = Gain };

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        if (shape.Rank != 2)
        {
            throw new ArgumentException($"Identity initializer: the identity matrix initializer can only be used for 2D matrices; received shape {shape} of rank {shape.Rank}.", nameof(shape));
        }
        var t = Tensor.Zeros(shape);
        var s = t.Span;
        int rows = shape[0], cols = shape[1];
        for (int i = 0; i < Math.Min(rows, cols); i++)
        {
            s[i * cols + i] = (float)gain;
        }
        return t;
    }

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static Identity FromConfig(JsonObject config) => new(Cfg.Double(config, "gain", 1.0));
}
