using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>All ones (<c>"ones"</c>).</summary>
public sealed class Ones : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape) => Tensor.Ones(shape);
}
