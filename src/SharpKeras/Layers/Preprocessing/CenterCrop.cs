using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Crops the central (height, width) window of images (<c>keras.layers.CenterCrop</c>); an image smaller
/// than the target on either side is instead cropped to the target aspect ratio and resized bilinearly,
/// as Keras's smart_resize does.
/// </summary>
public sealed class CenterCrop : Layer, IKerasSerializable<CenterCrop>
{
    /// <summary>A CenterCrop layer keeping <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    public CenterCrop(int height, int width, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"CenterCrop layer '{name ?? "center_crop"}'";
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentOutOfRangeException(height <= 0 ? nameof(height) : nameof(width), $"{who}: height and width must be positive, got height={height}, width={width}.");
        }
        Height = height;
        Width = width;
        DataFormat = ImageResampling.DataFormat(dataFormat, who);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

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
        Backend.ResampleTaps rows, cols;
        if (h >= Height && w >= Width)
        {
            // Python's int((h - height) / 2).
            rows = ImageResampling.Crop(h, (h - Height) / 2, Height);
            cols = ImageResampling.Crop(w, (w - Width) / 2, Width);
        }
        else
        {
            int cropH = Math.Max(Math.Min(h, (int)((double)w * Height / Width)), 1);
            int cropW = Math.Max(Math.Min(w, (int)((double)h * Width / Height)), 1);
            rows = ImageResampling.Resize(h, Height, "bilinear", false, cropH, -((h - cropH) / 2));
            cols = ImageResampling.Resize(w, Width, "bilinear", false, cropW, -((w - cropW) / 2));
        }
        return ImageResampling.OnImages(inputs, ChannelsFirst, x => Ops.Resample2D(x, rows, cols, 0f));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["height"] = Height;
        c["width"] = Width;
        c["data_format"] = DataFormat;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static CenterCrop FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CenterCrop(Cfg.Int(config, "height"), Cfg.Int(config, "width"), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
    }
}
