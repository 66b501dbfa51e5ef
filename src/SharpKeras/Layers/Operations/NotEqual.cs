using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Keras's <c>keras.ops.not_equal</c> as a node of a functional graph (class <c>NotEqual</c> of <c>keras.src.ops.numpy</c>): Keras
/// records it when a mask is computed symbolically, such as Embedding(mask_zero=True)'s <c>tokens != 0</c>. The result is a
/// 1/0 mask (1 where the values differ); it takes two tensors, or one tensor and the constant its node holds.
/// </summary>
public sealed class NotEqual : Layer, Saving.IKerasSerializable<NotEqual>
{
    /// <summary>A not_equal operation comparing with the constant <paramref name="other"/> (null when it takes two tensors).</summary>
    public NotEqual(double? other = null, string? name = null) : base(name)
    {
        Other = other;
    }

    /// <summary>The constant the single input is compared with; null when the operation takes two tensors.</summary>
    public double? Other { get; private set; }

    /// <inheritdoc/>
    public override string Module => "keras.src.ops.numpy";

    /// <inheritdoc/>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    internal override JsonNode? ConstantArgument => Other is { } o ? (o == Math.Floor(o) && Math.Abs(o) < int.MaxValue ? JsonValue.Create((int)o) : JsonValue.Create(o)) : null;

    /// <inheritdoc/>
    internal override void BindConstantArguments(IReadOnlyList<JsonNode?> constants)
    {
        if (constants.Count != 1 || constants[0] is not JsonValue v || !v.TryGetValue<double>(out var d))
        {
            throw new Saving.ConfigException($"NotEqual operation '{Name}' takes one tensor and one number, got constants [{string.Join(", ", constants.Select(c => c?.ToJsonString() ?? "null"))}].");
        }
        Other = d;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["name"] = Name };

    /// <summary>Recreates the operation from its config (Keras's <c>from_config</c>: the name only; the constant travels in the node).</summary>
    public static NotEqual FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new NotEqual(null, Saving.Cfg.Name(config));
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        return inputShapes.Count == 1 ? inputShapes[0] : Shape.Broadcast(inputShapes[0], inputShapes[1]);
    }

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count is < 1 or > 2)
        {
            throw new ArgumentException($"NotEqual operation '{Name}' takes one or two tensors, got {inputShapes.Count}.");
        }
    }

    /// <inheritdoc/>
    internal override bool IsMultiInput => true;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var other = Other ?? throw new InvalidOperationException($"NotEqual operation '{Name}' was called on one tensor without a constant to compare with.");
        return Compare(inputs, Tensor.Scalar((float)other));
    }

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1 ? Call(inputs[0], training) : Compare(inputs[0], inputs[1]);
    }

    private static Tensor Compare(Tensor a, Tensor b)
    {
        // Masks carry no gradient, as a boolean op's in Keras; 1/0 floats, through recorded ops so a replayed step compares each batch.
        return Ops.Cast(Ops.NotEqual(a, b), DType.Float32);
    }
}
