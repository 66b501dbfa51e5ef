using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>All zeros (<c>"zeros"</c>).</summary>
public sealed class Zeros : Initializer, IKerasSerializable<Zeros>
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape) => Tensor.Zeros(shape);

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static Zeros FromConfig(JsonObject config) => new();
}
