using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Adds zeros around (batch, depth, height, width, channels) volumes (<c>keras.layers.ZeroPadding3D</c>, default 1 on every side).</summary>
public sealed class ZeroPadding3D : Layer, Saving.IKerasSerializable<ZeroPadding3D>
{
    /// <summary>Adds <paramref name="padding"/> on every side of every spatial axis.</summary>
    public ZeroPadding3D(int padding = 1, string? name = null, int[]? inputShape = null, int? batchSize = null) : this((padding, padding), (padding, padding), (padding, padding), name, inputShape, batchSize)
    {
    }

    /// <summary>Padding (before, after) per spatial axis: depth, rows, columns.</summary>
    public ZeroPadding3D((int Before, int After) depth, (int Before, int After) rows, (int Before, int After) columns, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        SpatialPairs.CheckNonNegative("ZeroPadding3D", "padding", depth, rows, columns);
        Depth = depth;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Zero slices added before and after on the depth axis.</summary>
    public (int Before, int After) Depth { get; }

    /// <summary>Zero rows added before and after.</summary>
    public (int Before, int After) Rows { get; }

    /// <summary>Zero columns added before and after.</summary>
    public (int Before, int After) Columns { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => SpatialPairs.Resize(this, inputShape, [Depth, Rows, Columns], 1, "padding");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.ZeroPad3D(inputs, Depth, Rows, Columns);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["padding"] = SpatialPairs.Write([Depth, Rows, Columns]);
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): padding as an int, 3 ints or 3 (before, after) pairs.</summary>
    public static ZeroPadding3D FromConfig(JsonObject config)
    {
        var name = Saving.ConvLayerConfigs.CheckedLayout(config);
        var p = SpatialPairs.Read(config, "padding", 3, 1);
        return new ZeroPadding3D(p[0], p[1], p[2], name);
    }
}
