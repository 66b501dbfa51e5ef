using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Removes slices at the borders of (batch, depth, height, width, channels) volumes (<c>keras.layers.Cropping3D</c>, default 1 on every side).</summary>
public sealed class Cropping3D : Layer, Saving.IKerasSerializable<Cropping3D>
{
    /// <summary>Crops <paramref name="cropping"/> from every side of every spatial axis.</summary>
    public Cropping3D(int cropping = 1, string? name = null, int[]? inputShape = null, int? batchSize = null) : this((cropping, cropping), (cropping, cropping), (cropping, cropping), name, inputShape, batchSize)
    {
    }

    /// <summary>Cropping (before, after) per spatial axis: depth, rows, columns.</summary>
    public Cropping3D((int Before, int After) depth, (int Before, int After) rows, (int Before, int After) columns, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        SpatialPairs.CheckNonNegative("Cropping3D", "cropping", depth, rows, columns);
        Depth = depth;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Slices removed before and after on the depth axis.</summary>
    public (int Before, int After) Depth { get; }

    /// <summary>Rows removed before and after.</summary>
    public (int Before, int After) Rows { get; }

    /// <summary>Columns removed before and after.</summary>
    public (int Before, int After) Columns { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => SpatialPairs.Resize(this, inputShape, [Depth, Rows, Columns], -1, "cropping");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.Crop3D(inputs, Depth, Rows, Columns);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["cropping"] = SpatialPairs.Write([Depth, Rows, Columns]);
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): cropping as an int, 3 ints or 3 (before, after) pairs.</summary>
    public static Cropping3D FromConfig(JsonObject config)
    {
        var name = Saving.ConvLayerConfigs.CheckedLayout(config);
        var p = SpatialPairs.Read(config, "cropping", 3, 1);
        return new Cropping3D(p[0], p[1], p[2], name);
    }
}
