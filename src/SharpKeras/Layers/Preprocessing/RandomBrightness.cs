using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Adds a random brightness delta to each image during training (<c>keras.layers.RandomBrightness</c>): a
/// draw in [factor lower, factor upper) per image, times the width of value_range, added to every pixel,
/// then clipped to value_range; the identity at inference. Seeded draws repeat for a seed but come from
/// SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomBrightness : Layer, IKerasSerializable<RandomBrightness>
{
    private readonly SeedGenerator _rng;

    /// <summary>A RandomBrightness layer; <paramref name="factor"/> is one number f (deltas in [-f, f)) or a pair, within [-1, 1] (Keras's default value_range (0, 255)).</summary>
    public RandomBrightness(double[] factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"RandomBrightness layer '{name ?? "random_brightness"}'";
        Factor = RandomFactor.Parse(factor, -1, 1, who);
        ValueRange = RandomFactor.ValueRange(valueRange ?? [0, 255], who);
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>A RandomBrightness layer with deltas in [-factor, factor) of the value range.</summary>
    public RandomBrightness(double factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([factor], valueRange, seed, name, inputShape, batchSize)
    {
    }

    /// <summary>The (lower, upper) bounds of the delta, as fractions of the value range.</summary>
    public (double Lower, double Upper) Factor { get; }

    /// <summary>The (low, high) range of pixel values; outputs are clipped to it.</summary>
    public (double Low, double High) ValueRange { get; }

    /// <summary>The seed of the draws, if fixed.</summary>
    public int? Seed { get; }

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
        double width = ValueRange.High - ValueRange.Low;
        var delta = RandomFactor.PerSample(x, _rng, Factor.Lower * width, Factor.Upper * width);
        return Ops.Clip(Ops.Add(x, delta), (float)ValueRange.Low, (float)ValueRange.High);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["factor"] = RandomFactor.Pair(Factor.Lower, Factor.Upper);
        c["value_range"] = RandomFactor.Pair(ValueRange.Low, ValueRange.High);
        c["seed"] = Seed;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomBrightness FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomBrightness(RandomFactor.Numbers(config, "factor", []), RandomFactor.Numbers(config, "value_range", [0, 255]),
            Cfg.OptionalInt(config, "seed"), Cfg.Name(config));
    }
}
