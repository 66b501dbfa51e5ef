using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Repeats each step of (batch, steps, channels) sequences (<c>keras.layers.UpSampling1D</c>, size 2).</summary>
public sealed class UpSampling1D : Layer, Saving.IKerasSerializable<UpSampling1D>
{
    /// <summary>An UpSampling1D layer repeating every step <paramref name="size"/> times.</summary>
    public UpSampling1D(int size = 2, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"UpSampling1D: argument `size` should be a positive integer, got size={size}.");
        }
        Size = size;
    }

    /// <summary>How many times each step is repeated.</summary>
    public int Size { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        SpatialPairs.CheckRank(this, inputShape, 1);
        return new Shape(inputShape[0], inputShape[1] < 0 ? -1 : inputShape[1] * Size, inputShape[2]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.UpSample1D(inputs, Size);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["size"] = Size;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static UpSampling1D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new UpSampling1D(Saving.Cfg.Int(config, "size", 2), Saving.Cfg.Name(config));
    }
}
