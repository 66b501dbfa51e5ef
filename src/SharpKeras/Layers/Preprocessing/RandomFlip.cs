using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Flips each image left-right and/or top-bottom with probability 1/2 during training
/// (<c>keras.layers.RandomFlip</c>; mode "horizontal", "vertical" or "horizontal_and_vertical", where one
/// draw per image flips both axes, as Keras's does); the identity at inference. Seeded draws repeat for a
/// seed, but come from SharpKeras's own generator, so they differ from Python Keras's.
/// </summary>
public sealed class RandomFlip : Layer, IKerasSerializable<RandomFlip>
{
    private readonly SeedGenerator _rng;

    /// <summary>A RandomFlip layer (Keras's default mode "horizontal_and_vertical").</summary>
    public RandomFlip(string mode = "horizontal_and_vertical", int? seed = null, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"RandomFlip layer '{name ?? "random_flip"}'";
        if (mode is not ("horizontal" or "vertical" or "horizontal_and_vertical"))
        {
            throw new ArgumentException($"{who}: mode must be \"horizontal\", \"vertical\" or \"horizontal_and_vertical\", got \"{mode}\".", nameof(mode));
        }
        Mode = mode;
        Seed = seed;
        DataFormat = ImageResampling.DataFormat(dataFormat, who);
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>"horizontal", "vertical" or "horizontal_and_vertical".</summary>
    public string Mode { get; }

    /// <summary>The seed of the flip draws, if fixed.</summary>
    public int? Seed { get; }

    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => RandomFactor.CheckImages(this, inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (!training)
        {
            return inputs;
        }
        var x = inputs.IsFloat ? inputs : Ops.Cast(inputs, DType.Float32);
        // Keras draws uniform u per image and flips where u <= 0.5; drawn in an op, so a replayed step draws afresh.
        var flip = Ops.RandomDraws(x, RandomFactor.PerSampleShape(x), _rng, (g, m) =>
        {
            for (int i = 0; i < m.Length; i++)
            {
                m[i] = g.NextFloat() <= 0.5f ? 1f : 0f;
            }
        });
        bool channelsFirst = DataFormat == "channels_first";
        var (ha, wa) = ImageResampling.SpatialAxes(this, x.Shape, channelsFirst);
        int h = x.Shape[ha], w = x.Shape[wa];
        var rows = Mode == "horizontal" ? ImageResampling.Crop(h, 0, h) : Reversed(h);
        var cols = Mode == "vertical" ? ImageResampling.Crop(w, 0, w) : Reversed(w);
        var flipped = ImageResampling.OnImages(x, channelsFirst, t => Ops.Resample2D(t, rows, cols, 0f));
        return Ops.Add(Ops.Multiply(flipped, flip), Ops.Multiply(x, Ops.Subtract(Tensor.Ones(flip.Shape), flip)));
    }

    private static Backend.ResampleTaps Reversed(int size)
    {
        var taps = new Backend.ResampleTaps(size, size, 1);
        for (int o = 0; o < size; o++)
        {
            taps.Index[o] = size - 1 - o;
            taps.Weight[o] = 1f;
        }
        return taps;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["seed"] = Seed;
        c["mode"] = Mode;
        c["data_format"] = DataFormat;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomFlip FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomFlip(Cfg.String(config, "mode", "horizontal_and_vertical"), Cfg.OptionalInt(config, "seed"), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
    }
}
