using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Enlarges NHWC images by whole factors (<c>keras.layers.UpSampling2D</c>, size 2): "nearest" repeats rows and columns, "bilinear" interpolates with half-pixel centres as Keras's ops.image.resize.</summary>
public sealed class UpSampling2D : Layer, Saving.IKerasSerializable<UpSampling2D>
{
    /// <summary>An UpSampling2D layer repeating rows size.Height times and columns size.Width times.</summary>
    public UpSampling2D(Size2D? size = null, string interpolation = "nearest", string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        var s = size ?? 2;
        if (s.Height <= 0 || s.Width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"UpSampling2D: size must be positive, got {s}.");
        }
        var mode = (interpolation ?? "nearest").ToLowerInvariant();
        if (mode is not ("nearest" or "bilinear"))
        {
            throw new NotSupportedException($"UpSampling2D: interpolation \"{interpolation}\" is not supported yet; use \"nearest\" or \"bilinear\".");
        }
        Size = s;
        Interpolation = mode;
    }

    /// <summary>The repeat factors (rows, columns).</summary>
    public Size2D Size { get; }

    /// <summary>"nearest" or "bilinear".</summary>
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
    protected override Tensor Call(Tensor inputs, bool training) => Interpolation == "bilinear"
        ? Bilinear(inputs, Size.Height, Size.Width)
        : Ops.UpSample2D(inputs, Size.Height, Size.Width);

    /// <summary>
    /// Bilinear resizing by whole factors as two matrix products with fixed interpolation matrices (one per
    /// spatial axis), so the matrix-multiply kernels do the work and autodiff comes with them.
    /// </summary>
    private static Tensor Bilinear(Tensor x, int sh, int sw)
    {
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        // (n, h, w, c) -> (n, c, w, h) x (h, h') -> (n, c, h', w) x (w, w') -> (n, h', w', c).
        var rows = Ops.MatMul(Ops.Transpose(x, 0, 3, 2, 1), InterpolationMatrix(h, sh));
        var both = Ops.MatMul(Ops.Transpose(rows, 0, 1, 3, 2), InterpolationMatrix(w, sw));
        return Ops.Transpose(both, 0, 2, 3, 1);
    }

    /// <summary>
    /// The (size, size * factor) matrix whose column o holds the weights of output o: the source coordinate
    /// (o + 0.5) / factor - 0.5, clamped at 0, between its two nearest inputs (the last input repeated at the edge).
    /// </summary>
    internal static Tensor InterpolationMatrix(int size, int factor)
    {
        int outSize = size * factor;
        var m = new float[size * outSize];
        for (int o = 0; o < outSize; o++)
        {
            double src = Math.Max((o + 0.5) / factor - 0.5, 0.0);
            int i0 = Math.Min((int)Math.Floor(src), size - 1);
            int i1 = Math.Min(i0 + 1, size - 1);
            double frac = src - i0;
            m[i0 * outSize + o] += (float)(1 - frac);
            m[i1 * outSize + o] += (float)frac;
        }
        return Tensor.FromArray(m, size, outSize);
    }

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
        if (interpolation is not ("nearest" or "bilinear"))
        {
            throw new FormatException($"UpSampling2D layer '{name}': interpolation=\"{interpolation}\" is not supported yet; SharpKeras supports \"nearest\" and \"bilinear\".");
        }
        return new UpSampling2D(Saving.ConvLayerConfigs.Size(config, "size", 2), interpolation, name);
    }
}
