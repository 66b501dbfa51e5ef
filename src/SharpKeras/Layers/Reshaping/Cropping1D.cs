using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Removes steps from the start and end of (batch, steps, channels) sequences (<c>keras.layers.Cropping1D</c>, default (1, 1)).</summary>
public sealed class Cropping1D : Layer, Saving.IKerasSerializable<Cropping1D>
{
    /// <summary>Crops <paramref name="cropping"/> steps from both ends.</summary>
    public Cropping1D(int cropping = 1, string? name = null, int[]? inputShape = null, int? batchSize = null) : this((cropping, cropping), name, inputShape, batchSize)
    {
    }

    /// <summary>Crops (start, end) steps.</summary>
    public Cropping1D((int Start, int End) cropping, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        SpatialPairs.CheckNonNegative("Cropping1D", nameof(cropping), cropping);
        Cropping = cropping;
    }

    /// <summary>Steps removed from the start and from the end.</summary>
    public (int Start, int End) Cropping { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => SpatialPairs.Resize(this, inputShape, [Cropping], -1, "cropping");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.Crop1D(inputs, Cropping.Start, Cropping.End);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["cropping"] = SpatialPairs.Write([Cropping]);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): cropping as an int or (start, end).</summary>
    public static Cropping1D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Cropping1D(SpatialPairs.Read(config, "cropping", 1, 1)[0], Saving.Cfg.Name(config));
    }
}
