using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Scales each sample to unit L2 norm over <see cref="Axis"/> (<c>keras.layers.UnitNormalization</c>, axis -1):
/// x * min(rsqrt(sum(x^2)), 1e12), so an all-zero vector stays zero, as Keras 3.11's ops.normalize.
/// </summary>
public sealed class UnitNormalization : Layer, Saving.IKerasSerializable<UnitNormalization>
{
    private readonly int[] _axes;
    private readonly bool _axisIsList;

    /// <summary>A UnitNormalization layer over one axis (Keras's default: the last).</summary>
    public UnitNormalization(int axis = -1, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        _axes = [axis];
    }

    /// <summary>A UnitNormalization layer over several axes at once.</summary>
    public UnitNormalization(int[] axis, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Length == 0)
        {
            throw new ArgumentException("UnitNormalization: axis must name at least one axis.", nameof(axis));
        }
        _axes = [.. axis];
        _axisIsList = true;
    }

    /// <summary>The normalised axes.</summary>
    public IReadOnlyList<int> Axis => _axes;

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <summary>Keras builds this layer at construction, so its config carries no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        AxesConfig.Resolve(this, _axes, inputShape);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var axes = AxesConfig.Resolve(this, _axes, inputs.Shape);
        var squareSum = AxesConfig.Reduce(Ops.Square(inputs), axes, mean: false);
        // min(rsqrt(s), 1e12) is rsqrt(max(s, 1e-24)): the clamp keeps zero vectors at zero.
        var inv = Ops.Divide(Tensor.Scalar(1f), Ops.Sqrt(Ops.Clip(squareSum, 1e-24f, float.MaxValue)));
        return Ops.Multiply(inputs, inv);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = _axisIsList ? new JsonArray([.. _axes.Select(a => (JsonNode)a)]) : _axes[0];
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): axis an int or a list.</summary>
    public static UnitNormalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Saving.Cfg.Name(config);
        return config["axis"] is JsonArray ? new UnitNormalization(AxesConfig.Read(config, -1), name) : new UnitNormalization(Saving.Cfg.Int(config, "axis", -1), name);
    }
}
