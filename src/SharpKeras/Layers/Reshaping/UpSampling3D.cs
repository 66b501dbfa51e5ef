using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Repeats each voxel of (batch, depth, height, width, channels) volumes (<c>keras.layers.UpSampling3D</c>, size (2, 2, 2)).</summary>
public sealed class UpSampling3D : Layer, Saving.IKerasSerializable<UpSampling3D>
{
    /// <summary>An UpSampling3D layer repeating by <paramref name="size"/> on every spatial axis.</summary>
    public UpSampling3D(int size = 2, string? name = null, int[]? inputShape = null, int? batchSize = null) : this((size, size, size), name, inputShape, batchSize)
    {
    }

    /// <summary>An UpSampling3D layer repeating by (depth, height, width).</summary>
    public UpSampling3D((int Depth, int Height, int Width) size, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (size.Depth <= 0 || size.Height <= 0 || size.Width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"UpSampling3D: size must be positive, got ({size.Depth}, {size.Height}, {size.Width}).");
        }
        Size = size;
    }

    /// <summary>The repeat factors (depth, height, width).</summary>
    public (int Depth, int Height, int Width) Size { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        SpatialPairs.CheckRank(this, inputShape, 3);
        int Times(int d, int s) => d < 0 ? -1 : d * s;
        return new Shape(inputShape[0], Times(inputShape[1], Size.Depth), Times(inputShape[2], Size.Height), Times(inputShape[3], Size.Width), inputShape[4]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.UpSample3D(inputs, Size.Depth, Size.Height, Size.Width);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["size"] = new JsonArray(Size.Depth, Size.Height, Size.Width);
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): size as an int or 3 ints.</summary>
    public static UpSampling3D FromConfig(JsonObject config)
    {
        var name = Saving.ConvLayerConfigs.CheckedLayout(config);
        int[] v = config["size"] is null ? [2] : Saving.Cfg.Ints(config, "size");
        return v.Length switch
        {
            1 => new UpSampling3D(v[0], name),
            3 => new UpSampling3D((v[0], v[1], v[2]), name),
            _ => throw Saving.Cfg.Wrong(config, "size", "an int or 3 ints (depth, height, width)", config["size"]),
        };
    }
}
