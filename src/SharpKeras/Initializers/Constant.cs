using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Every value the same constant (<c>keras.initializers.Constant</c>, <c>"constant"</c>; default 0).</summary>
public sealed class Constant(double value = 0.0) : Initializer, IKerasSerializable<Constant>
{
    /// <summary>The value every element gets.</summary>
    public double Value => value;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["value"] = Value };

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        var t = Tensor.Zeros(shape);
        t.Span.Fill((float)value);
        return t;
    }

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static Constant FromConfig(JsonObject config) => new(Cfg.Double(config, "value", 0.0));
}
