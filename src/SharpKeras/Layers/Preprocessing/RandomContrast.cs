using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Scales each image's contrast by a random factor during training (<c>keras.layers.RandomContrast</c>):
/// (x - mean) * c + mean per channel, with the mean over height and width and c drawn in
/// [1 - factor lower, 1 + factor upper) per image, then clipped to value_range; the identity at
/// inference. As Keras 3.11's factor bounds are [0, 1], a single number f gives c in [1, 1 + f).
/// Seeded draws repeat for a seed but come from SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomContrast : Layer, IKerasSerializable<RandomContrast>
{
    private readonly SeedGenerator _rng;

    /// <summary>A RandomContrast layer; <paramref name="factor"/> is one number or a pair within [0, 1] (Keras's default value_range (0, 255)).</summary>
    public RandomContrast(double[] factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"RandomContrast layer '{name ?? "random_contrast"}'";
        Factor = RandomFactor.Parse(factor, 0, 1, who);
        // Keras keeps value_range as given here (RandomBrightness sorts it).
        var range = valueRange ?? [0, 255];
        if (range.Length != 2)
        {
            throw new ArgumentException($"{who}: value_range must be a list of two numbers (low, high); got {range.Length} values.", nameof(valueRange));
        }
        ValueRange = (range[0], range[1]);
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>A RandomContrast layer with one factor number.</summary>
    public RandomContrast(double factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([factor], valueRange, seed, name, inputShape, batchSize)
    {
    }

    /// <summary>The (lower, upper) factor: contrast multipliers are drawn in [1 - lower, 1 + upper).</summary>
    public (double Lower, double Upper) Factor { get; }

    /// <summary>The (low, high) range outputs are clipped to.</summary>
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
        var c = RandomFactor.PerSample(x, _rng, 1 - Factor.Lower, 1 + Factor.Upper);
        int ha = x.Rank - 3, wa = x.Rank - 2;
        var mean = Ops.Mean(Ops.Mean(x, ha, keepDims: true), wa, keepDims: true);
        var y = Ops.Add(Ops.Multiply(Ops.Subtract(x, mean), c), mean);
        return Ops.Clip(y, (float)ValueRange.Low, (float)ValueRange.High);
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
    public static RandomContrast FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomContrast(RandomFactor.Numbers(config, "factor", []), RandomFactor.Numbers(config, "value_range", [0, 255]),
            Cfg.OptionalInt(config, "seed"), Cfg.Name(config));
    }
}
