using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>All zeros (<c>"zeros"</c>).</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape) => Tensor.Zeros(shape);
}
