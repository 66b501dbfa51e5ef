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
public sealed class RandomContrast : BaseRandomAdjustment, IKerasSerializable<RandomContrast>
{
    /// <summary>A RandomContrast layer; <paramref name="factor"/> is one number or a pair within [0, 1] (Keras's default value_range (0, 255)).</summary>
    public RandomContrast(double[] factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(RandomFactor.Parse(factor, 0, 1, Who(name)), AsGiven(valueRange ?? [0, 255], Who(name)), seed, name, inputShape, batchSize)
    {
    }

    /// <summary>A RandomContrast layer with one factor number.</summary>
    public RandomContrast(double factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([factor], valueRange, seed, name, inputShape, batchSize)
    {
    }

    private static string Who(string? name) => $"RandomContrast layer '{name ?? "random_contrast"}'";

    // Keras keeps value_range as given here (RandomBrightness sorts it).
    private static (double Low, double High) AsGiven(double[] range, string who) => range.Length == 2
        ? (range[0], range[1])
        : throw new ArgumentException($"{who}: value_range must be a list of two numbers (low, high); got {range.Length} values.", "valueRange");

    /// <inheritdoc/>
    private protected override Tensor Adjust(Tensor x, SeedGenerator rng)
    {
        var c = RandomFactor.PerSample(x, rng, 1 - Factor.Lower, 1 + Factor.Upper);
        int ha = x.Rank - 3, wa = x.Rank - 2;
        var mean = Ops.Mean(Ops.Mean(x, ha, keepDims: true), wa, keepDims: true);
        return Ops.Add(Ops.Multiply(Ops.Subtract(x, mean), c), mean);
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomContrast FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomContrast(RandomFactor.Numbers(config, "factor", []), RandomFactor.Numbers(config, "value_range", [0, 255]),
            Cfg.OptionalInt(config, "seed"), Cfg.Name(config));
    }
}
