using System.Text.Json.Nodes;
using SharpKeras.Backend;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Crops a random (height, width) window during training (<c>keras.layers.RandomCrop</c>), one location per batch as
/// Keras's; an image not larger than the target on both sides is instead cut at the centre of its largest window of the
/// target aspect ratio and resized bilinearly when that cut is not (height, width). At inference the images pass
/// unchanged, as Keras 3.11's transform_images does (keras-team/keras#21868: its docstring promises a centre crop,
/// its code returns the input), so the output then keeps the input's size.
/// Seeded draws repeat for a seed but come from SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomCrop : Layer, IKerasSerializable<RandomCrop>
{
    private readonly SeedGenerator _rng;

    /// <summary>A RandomCrop layer to <paramref name="height"/> x <paramref name="width"/>; without a seed one is drawn and kept, as Keras's make_default_seed.</summary>
    public RandomCrop(int height, int width, int? seed = null, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"RandomCrop layer '{name ?? "random_crop"}'";
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentOutOfRangeException(height <= 0 ? nameof(height) : nameof(width), $"{who}: height and width must be positive, got height={height}, width={width}.");
        }
        Height = height;
        Width = width;
        // Keras draws random.randint(1, 1e9) and writes it to the config.
        Seed = seed ?? 1 + SeedGenerator.Global.NextInt(1_000_000_000);
        DataFormat = ImageResampling.DataFormat(dataFormat, who);
        _rng = new SeedGenerator(Seed);
    }

    /// <summary>Output height in training.</summary>
    public int Height { get; }

    /// <summary>Output width in training.</summary>
    public int Width { get; }

    /// <summary>The seed written to the config (drawn when none was given, as Keras does).</summary>
    public int Seed { get; }

    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    private bool ChannelsFirst => DataFormat == "channels_first";

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

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
        if (!training)
        {
            return inputs;
        }
        var (ha, wa) = ImageResampling.SpatialAxes(this, inputs.Shape, ChannelsFirst);
        int h = inputs.Shape[ha], w = inputs.Shape[wa];
        var x = inputs.IsFloat ? inputs : Ops.Cast(inputs, DType.Float32);
        if (h > Height && w > Width)
        {
            var rng = _rng;
            int targetH = Height, targetW = Width;
            return ImageResampling.OnImages(x, ChannelsFirst, t =>
            {
                var transforms = new float[8 * t.Shape[0]];
                // A crop is a translation by the window's corner, read at whole pixels; drawn every time the op runs.
                return Ops.AffineTransform(t, transforms, r =>
                {
                    int top, left;
                    lock (rng)
                    {
                        top = Start(rng, h - targetH + 1);
                        left = Start(rng, w - targetW + 1);
                    }
                    for (int b = 0; b < r.Length / 8; b++)
                    {
                        r.AsSpan(8 * b, 8).Clear();
                        r[8 * b] = 1f;
                        r[8 * b + 2] = left;
                        r[8 * b + 4] = 1f;
                        r[8 * b + 5] = top;
                    }
                }, bilinear: false, AffineFillMode.Constant, 0f, targetH, targetW);
            });
        }
        // Keras's fixed window: the centred largest window of the target aspect ratio, then [start, start + target) of it.
        int cropH = Math.Max(Math.Min(h, (int)((double)w * Height / Width)), 1);
        int cropW = Math.Max(Math.Min(w, (int)((double)h * Width / Height)), 1);
        int hStart = (h - cropH) / 2, wStart = (w - cropW) / 2;
        int sliceH = Math.Min(Height, h - hStart), sliceW = Math.Min(Width, w - wStart);
        ResampleTaps rows, cols;
        if (sliceH == Height && sliceW == Width)
        {
            rows = ImageResampling.Crop(h, hStart, Height);
            cols = ImageResampling.Crop(w, wStart, Width);
        }
        else
        {
            rows = ImageResampling.Resize(h, Height, "bilinear", false, sliceH, -hStart);
            cols = ImageResampling.Resize(w, Width, "bilinear", false, sliceW, -wStart);
        }
        return ImageResampling.OnImages(x, ChannelsFirst, t => Ops.Resample2D(t, rows, cols, 0f));
    }

    // Keras's cast(uniform((), 0, maxval=count), int32): a whole start in [0, count).
    private static int Start(SeedGenerator rng, int count) => Math.Min((int)(rng.NextFloat() * count), count - 1);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["height"] = Height;
        c["width"] = Width;
        c["seed"] = Seed;
        c["data_format"] = DataFormat;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomCrop FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomCrop(Cfg.Int(config, "height"), Cfg.Int(config, "width"), Cfg.OptionalInt(config, "seed"), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
    }
}
