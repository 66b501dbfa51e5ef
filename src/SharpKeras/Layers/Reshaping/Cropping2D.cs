using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Removes rows and columns at the borders of NHWC images (<c>keras.layers.Cropping2D</c>, default nothing).</summary>
public sealed class Cropping2D : Layer, Saving.IKerasSerializable<Cropping2D>
{
    /// <summary>Symmetric cropping: an int for every side or (rows, columns) removed both before and after.</summary>
    public Cropping2D(Size2D? cropping = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this((cropping?.Height ?? 0, cropping?.Height ?? 0), (cropping?.Width ?? 0, cropping?.Width ?? 0), name, inputShape, batchSize)
    {
    }

    /// <summary>Cropping ((top, bottom), (left, right)).</summary>
    public Cropping2D((int Top, int Bottom) rows, (int Left, int Right) columns, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        SpatialPairs.CheckNonNegative("Cropping2D", "cropping", rows, columns);
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Rows removed at the top and bottom.</summary>
    public (int Top, int Bottom) Rows { get; }

    /// <summary>Columns removed at the left and right.</summary>
    public (int Left, int Right) Columns { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => SpatialPairs.Resize(this, inputShape, [Rows, Columns], -1, "cropping");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.Crop2D(inputs, Rows.Top, Rows.Bottom, Columns.Left, Columns.Right);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["cropping"] = SpatialPairs.Write([Rows, Columns]);
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): cropping as an int, (rows, columns) or ((top, bottom), (left, right)).</summary>
    public static Cropping2D FromConfig(JsonObject config)
    {
        var name = Saving.ConvLayerConfigs.CheckedLayout(config);
        var p = SpatialPairs.Read(config, "cropping", 2, 0);
        return new Cropping2D(p[0], p[1], name);
    }
}
