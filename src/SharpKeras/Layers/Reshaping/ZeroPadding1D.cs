using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Adds zero steps at the start and end of (batch, steps, channels) sequences (<c>keras.layers.ZeroPadding1D</c>, default (1, 1)).</summary>
public sealed class ZeroPadding1D : Layer, Saving.IKerasSerializable<ZeroPadding1D>
{
    /// <summary>Adds <paramref name="padding"/> zero steps at both ends.</summary>
    public ZeroPadding1D(int padding = 1, string? name = null, int[]? inputShape = null, int? batchSize = null) : this((padding, padding), name, inputShape, batchSize)
    {
    }

    /// <summary>Adds (start, end) zero steps.</summary>
    public ZeroPadding1D((int Start, int End) padding, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        SpatialPairs.CheckNonNegative("ZeroPadding1D", nameof(padding), padding);
        Padding = padding;
    }

    /// <summary>Zero steps added at the start and at the end.</summary>
    public (int Start, int End) Padding { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => SpatialPairs.Resize(this, inputShape, [Padding], 1, "padding");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.ZeroPad1D(inputs, Padding.Start, Padding.End);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["padding"] = SpatialPairs.Write([Padding]);
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): padding as an int or (start, end).</summary>
    public static ZeroPadding1D FromConfig(JsonObject config)
    {
        var name = Saving.ConvLayerConfigs.CheckedLayout(config);
        return new ZeroPadding1D(SpatialPairs.Read(config, "padding", 1, 1)[0], name);
    }
}
