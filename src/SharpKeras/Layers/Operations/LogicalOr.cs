using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Keras's <c>keras.ops.logical_or</c> as a node of a functional graph (class <c>LogicalOr</c> of <c>keras.src.ops.numpy</c>): Keras
/// records it when merging layers such as Add combine their inputs' masks symbolically. Takes two 1/0 masks, returns their or.
/// </summary>
public sealed class LogicalOr : Layer, Saving.IKerasSerializable<LogicalOr>
{
    /// <summary>A logical_or operation.</summary>
    public LogicalOr(string? name = null) : base(name)
    {
    }

    /// <inheritdoc/>
    public override string Module => "keras.src.ops.numpy";

    /// <inheritdoc/>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    internal override bool IsMultiInput => true;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["name"] = Name };

    /// <summary>Recreates the operation from its config (Keras's <c>from_config</c>: the name only).</summary>
    public static LogicalOr FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LogicalOr(Saving.Cfg.Name(config));
    }

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count != 2)
        {
            throw new ArgumentException($"LogicalOr operation '{Name}' takes two tensors, got {inputShapes.Count}.");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count != 2)
        {
            throw new ArgumentException($"LogicalOr operation '{Name}' takes two tensors, got {inputShapes.Count}.");
        }
        return Shape.Broadcast(inputShapes[0], inputShapes[1]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"LogicalOr operation '{Name}' takes two tensors, got one of shape {inputs.Shape}.");

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 2)
        {
            throw new ArgumentException($"LogicalOr operation '{Name}' takes two tensors, got {inputs.Count}.");
        }
        // 1/0 floats (non-zero is true), through recorded ops so a replayed step reads each batch's masks.
        return Ops.Cast(Ops.LogicalOr(inputs[0], inputs[1]), DType.Float32);
    }
}
