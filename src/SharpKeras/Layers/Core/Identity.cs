using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Returns its input unchanged (<c>keras.layers.Identity</c>), a placeholder where no operation is wanted; masks pass through.</summary>
public sealed class Identity : Layer, Saving.IKerasSerializable<Identity>
{
    /// <summary>An Identity layer.</summary>
    public Identity(string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
    }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <summary>Keras builds this layer at construction, so its config carries no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => inputs;

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Identity FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Identity(Saving.Cfg.Name(config));
    }
}
