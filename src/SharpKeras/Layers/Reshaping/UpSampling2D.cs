using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Repeats rows and columns of NHWC images (<c>keras.layers.UpSampling2D</c>, size 2, "nearest" interpolation).</summary>
public sealed class UpSampling2D : Layer, Saving.IKerasSerializable<UpSampling2D>
{
    /// <summary>An UpSampling2D layer repeating rows size.Height times and columns size.Width times.</summary>
    public UpSampling2D(Size2D? size = null, string interpolation = "nearest", string? name = null) : base(name)
    {
        var s = size ?? 2;
        if (s.Height <= 0 || s.Width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"UpSampling2D: size must be positive, got {s}.");
        }
        if (!string.Equals(interpolation, "nearest", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"UpSampling2D: interpolation \"{interpolation}\" is not supported yet; use \"nearest\".");
        }
        Size = s;
        Interpolation = "nearest";
    }

    /// <summary>The repeat factors (rows, columns).</summary>
    public Size2D Size { get; }

    /// <summary>"nearest".</summary>
    public string Interpolation { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != 4)
        {
            throw IncompatibleInput(inputShape, $"expected ndim=4 (batch, height, width, channels), found ndim={inputShape.Rank}");
        }
        return new Shape(inputShape[0], inputShape[1] < 0 ? -1 : inputShape[1] * Size.Height, inputShape[2] < 0 ? -1 : inputShape[2] * Size.Width, inputShape[3]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.UpSample2D(inputs, Size.Height, Size.Width);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["size"] = new JsonArray(Size.Height, Size.Width);
        c["data_format"] = "channels_last";
        c["interpolation"] = Interpolation;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static UpSampling2D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Saving.ConvLayerConfigs.Checked(config);
        var interpolation = Saving.Cfg.String(config, "interpolation", "nearest");
        if (interpolation != "nearest")
        {
            throw new FormatException($"UpSampling2D layer '{name}': interpolation=\"{interpolation}\" is not supported yet; SharpKeras supports only \"nearest\".");
        }
        return new UpSampling2D(Saving.ConvLayerConfigs.Size(config, "size", 2), interpolation, name);
    }
}
