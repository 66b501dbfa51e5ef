using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Masks time steps whose features all equal <see cref="MaskValue"/> (<c>keras.layers.Masking</c>):
/// they are zeroed and skipped by the recurrent layers that follow.
/// </summary>
public sealed class Masking : Layer, Saving.IKerasSerializable<Masking>
{
    /// <summary>A Masking layer skipping steps equal to <paramref name="maskValue"/> (default 0).</summary>
    public Masking(double maskValue = 0.0, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        MaskValue = maskValue;
    }

    /// <summary>The value marking padding steps.</summary>
    public double MaskValue { get; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.Rank < 2)
        {
            throw IncompatibleInput(inputs.Shape, "expected an input of rank >= 2 whose last axis holds the features of a step");
        }
        var mask = Tensor.Zeros(new Shape(inputs.Shape.Dims[..^1].ToArray()));
        var y = Ops.Masking(inputs, (float)MaskValue, mask);
        y.KerasMask = mask;
        return y;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["mask_value"] = MaskValue;
        return c;
    }

    /// <summary>Keras's Masking is built at construction, so its config carries no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Masking FromConfig(JsonObject config) => new(Saving.Cfg.Double(config, "mask_value", 0.0), Saving.Cfg.Name(config));
}
