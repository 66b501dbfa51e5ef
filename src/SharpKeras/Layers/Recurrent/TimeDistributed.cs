using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Applies a layer to every time step of (batch, time, ...) inputs (<c>keras.layers.TimeDistributed</c>):
/// the steps are folded into the batch, the layer runs once on (batch*time, ...), and the result is unfolded.
/// </summary>
public sealed class TimeDistributed : Layer, Saving.IKerasSerializable<TimeDistributed>
{
    /// <summary>Wraps <paramref name="layer"/>.</summary>
    public TimeDistributed(Layer layer, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Layer = layer;
    }

    /// <summary>The wrapped layer.</summary>
    public Layer Layer { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> Weights => Layer.Weights;

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> TrainableWeights => Trainable ? Layer.TrainableWeights : [];

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> NonTrainableWeights => Trainable ? Layer.NonTrainableWeights : Layer.Weights;

    /// <inheritdoc/>
    public override int CountParams() => Layer.CountParams();

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    private protected override bool KeepsOpScope => true;

    private static Shape Inner(Shape s) => new([-1, .. s.Dims[2..].ToArray()]);

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 3)
        {
            throw IncompatibleInput(inputShape, "TimeDistributed expects an input of rank >= 3 (batch, time, ...)");
        }
        Layer.EnsureBuilt(Inner(inputShape));
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        if (inputShape.Rank < 3)
        {
            throw IncompatibleInput(inputShape, "TimeDistributed expects an input of rank >= 3 (batch, time, ...)");
        }
        Layer.EnsureBuilt(Inner(inputShape));
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var inner = Layer.ComputeOutputShape(Inner(inputShape));
        return new([inputShape[0], inputShape[1], .. inner.Dims[1..].ToArray()]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        int b = inputs.Shape[0], t = inputs.Shape[1];
        var folded = Ops.Reshape(inputs, [b * t, .. inputs.Shape.Dims[2..].ToArray()]);
        var y = Layer.Apply(folded, training);
        return Ops.Reshape(y, [b, t, .. y.Shape.Dims[1..].ToArray()]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["layer"] = Saving.KerasSerializer.Serialize(Layer);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static TimeDistributed FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var inner = Saving.KerasSerializer.Layer(config["layer"] ?? throw Saving.Cfg.Missing(config, "layer", "the serialized wrapped layer"));
        return new TimeDistributed(inner, Saving.Cfg.Name(config));
    }

    /// <summary>The wrapped layer's weights live under <c>layer</c>, as in Keras's files.</summary>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        yield return new("layer", Layer);
    }
}
