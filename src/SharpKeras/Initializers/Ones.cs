using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>All ones (<c>"ones"</c>).</summary>
public sealed class Ones : Initializer, IKerasSerializable<Ones>
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape) => Tensor.Ones(shape);

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static Ones FromConfig(JsonObject config) => new();
}
