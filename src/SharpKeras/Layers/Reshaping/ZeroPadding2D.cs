using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Adds rows and columns of zeros around NHWC images (<c>keras.layers.ZeroPadding2D</c>, default 1 on every side).</summary>
public sealed class ZeroPadding2D : Layer, Saving.IKerasSerializable<ZeroPadding2D>
{
    /// <summary>Symmetric padding: an int for every side or (rows, columns) added both before and after.</summary>
    public ZeroPadding2D(Size2D? padding = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this((padding?.Height ?? 1, padding?.Height ?? 1), (padding?.Width ?? 1, padding?.Width ?? 1), name, inputShape, batchSize)
    {
    }

    /// <summary>Padding ((top, bottom), (left, right)).</summary>
    public ZeroPadding2D((int Top, int Bottom) rows, (int Left, int Right) columns, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (rows.Top < 0 || rows.Bottom < 0 || columns.Left < 0 || columns.Right < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"ZeroPadding2D: padding must be non-negative, got (({rows.Top}, {rows.Bottom}), ({columns.Left}, {columns.Right})).");
        }
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Rows of zeros added at the top and bottom.</summary>
    public (int Top, int Bottom) Rows { get; }

    /// <summary>Columns of zeros added at the left and right.</summary>
    public (int Left, int Right) Columns { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != 4)
        {
            throw IncompatibleInput(inputShape, $"expected ndim=4 (batch, height, width, channels), found ndim={inputShape.Rank}");
        }
        int h = inputShape[1] < 0 ? -1 : inputShape[1] + Rows.Top + Rows.Bottom;
        int w = inputShape[2] < 0 ? -1 : inputShape[2] + Columns.Left + Columns.Right;
        return new Shape(inputShape[0], h, w, inputShape[3]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.ZeroPad2D(inputs, Rows.Top, Rows.Bottom, Columns.Left, Columns.Right);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["padding"] = new JsonArray(new JsonArray(Rows.Top, Rows.Bottom), new JsonArray(Columns.Left, Columns.Right));
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): padding as an int, (rows, columns) or ((top, bottom), (left, right)).</summary>
    public static ZeroPadding2D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Saving.ConvLayerConfigs.Checked(config);
        if (config["padding"] is JsonArray { Count: 2 } a && a[0] is JsonArray { Count: 2 } r && a[1] is JsonArray { Count: 2 } col)
        {
            int At(JsonArray pair, int i) => pair[i] is JsonValue v && v.TryGetValue<int>(out var n)
                ? n
                : throw Saving.Cfg.Wrong(config, "padding", "an int, (rows, columns) or ((top, bottom), (left, right)) of integers", a);
            return new ZeroPadding2D((At(r, 0), At(r, 1)), (At(col, 0), At(col, 1)), name);
        }
        return new ZeroPadding2D(Saving.ConvLayerConfigs.Size(config, "padding", 1), name);
    }
}
