using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Resizes images to (height, width) (<c>keras.layers.Resizing</c>): "bilinear", "nearest" or "bicubic"
/// as Keras's torch backend computes them, optional antialias when shrinking, and optional crop or
/// pad to the target aspect ratio first; differentiable with respect to the images.
/// </summary>
public sealed class Resizing : Layer, IKerasSerializable<Resizing>
{
    /// <summary>A Resizing layer to <paramref name="height"/> x <paramref name="width"/> (Keras's defaults: bilinear, no crop or pad, fill 0, no antialias).</summary>
    public Resizing(int height, int width, string interpolation = "bilinear", bool cropToAspectRatio = false, bool padToAspectRatio = false,
        string fillMode = "constant", double fillValue = 0.0, bool antialias = false, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"Resizing layer '{name ?? "resizing"}'";
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentOutOfRangeException(height <= 0 ? nameof(height) : nameof(width), $"{who}: height and width must be positive, got height={height}, width={width}.");
        }
        if (!ImageResampling.Interpolations.Contains(interpolation))
        {
            throw new ArgumentException($"{who}: interpolation must be one of {string.Join(", ", ImageResampling.Interpolations.Select(i => $"\"{i}\""))}, got \"{interpolation}\" (Keras's torch backend has no lanczos either).", nameof(interpolation));
        }
        if (cropToAspectRatio && padToAspectRatio)
        {
            throw new ArgumentException($"{who}: only one of cropToAspectRatio and padToAspectRatio can be true.", nameof(padToAspectRatio));
        }
        if (fillMode != "constant")
        {
            throw new ArgumentException($"{who}: fill_mode must be \"constant\" (the only mode Keras's resize supports), got \"{fillMode}\".", nameof(fillMode));
        }
        Height = height;
        Width = width;
        Interpolation = interpolation;
        CropToAspectRatio = cropToAspectRatio;
        PadToAspectRatio = padToAspectRatio;
        FillMode = fillMode;
        FillValue = fillValue;
        Antialias = antialias;
        DataFormat = ImageResampling.DataFormat(dataFormat, who);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>"bilinear", "nearest" or "bicubic".</summary>
    public string Interpolation { get; }

    /// <summary>Whether the largest centred window of the target aspect ratio is cropped before resizing.</summary>
    public bool CropToAspectRatio { get; }

    /// <summary>Whether the image is padded (centred, with <see cref="FillValue"/>) to the target aspect ratio before resizing.</summary>
    public bool PadToAspectRatio { get; }

    /// <summary>"constant".</summary>
    public string FillMode { get; }

    /// <summary>The value of padded pixels.</summary>
    public double FillValue { get; }

    /// <summary>Whether shrinking filters with the stretched interpolation kernel (torch's antialias).</summary>
    public bool Antialias { get; }

    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    private bool ChannelsFirst => DataFormat == "channels_first";

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var (ha, wa) = ImageResampling.SpatialAxes(this, inputShape, ChannelsFirst);
        return inputShape.WithDim(ha, Height).WithDim(wa, Width);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var (ha, wa) = ImageResampling.SpatialAxes(this, inputs.Shape, ChannelsFirst);
        int h = inputs.Shape[ha], w = inputs.Shape[wa];
        var (rows, cols) = Taps(h, w);
        return ImageResampling.OnImages(inputs, ChannelsFirst, x => Ops.Resample2D(x, rows, cols, (float)FillValue));
    }

    // As Keras's resize: the crop or pad box from the aspect ratios (integer division as Python's int(float)).
    private (Backend.ResampleTaps Rows, Backend.ResampleTaps Cols) Taps(int h, int w)
    {
        int logicalH = h, logicalW = w, offH = 0, offW = 0;
        if (CropToAspectRatio)
        {
            logicalH = Math.Max(Math.Min(h, (int)((double)w * Height / Width)), 1);
            logicalW = Math.Max(Math.Min(w, (int)((double)h * Width / Height)), 1);
            offH = -(int)((h - logicalH) / 2.0);
            offW = -(int)((w - logicalW) / 2.0);
        }
        else if (PadToAspectRatio)
        {
            int padH = Math.Max(h, (int)((double)w * Height / Width));
            int padW = Math.Max(w, (int)((double)h * Width / Height));
            offH = (int)((padH - h) / 2.0);
            offW = (int)((padW - w) / 2.0);
            // The padded image is the input with offH (offW) fill rows (columns) on each side.
            logicalH = h + 2 * offH;
            logicalW = w + 2 * offW;
        }
        return (ImageResampling.Resize(h, Height, Interpolation, Antialias, logicalH, offH),
                ImageResampling.Resize(w, Width, Interpolation, Antialias, logicalW, offW));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["height"] = Height;
        c["width"] = Width;
        c["interpolation"] = Interpolation;
        c["crop_to_aspect_ratio"] = CropToAspectRatio;
        c["pad_to_aspect_ratio"] = PadToAspectRatio;
        c["fill_mode"] = FillMode;
        c["fill_value"] = FillValue;
        c["antialias"] = Antialias;
        c["data_format"] = DataFormat;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Resizing FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Resizing(Cfg.Int(config, "height"), Cfg.Int(config, "width"), Cfg.String(config, "interpolation", "bilinear"),
            Cfg.Bool(config, "crop_to_aspect_ratio", false), Cfg.Bool(config, "pad_to_aspect_ratio", false), Cfg.String(config, "fill_mode", "constant"),
            Cfg.Double(config, "fill_value", 0.0), Cfg.Bool(config, "antialias", false), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
    }
}
