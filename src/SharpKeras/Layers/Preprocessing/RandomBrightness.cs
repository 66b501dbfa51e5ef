using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Adds a random brightness delta to each image during training (<c>keras.layers.RandomBrightness</c>): a
/// draw in [factor lower, factor upper) per image, times the width of value_range, added to every pixel,
/// then clipped to value_range; the identity at inference. Seeded draws repeat for a seed but come from
/// SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomBrightness : BaseRandomAdjustment, IKerasSerializable<RandomBrightness>
{
    /// <summary>A RandomBrightness layer; <paramref name="factor"/> is one number f (deltas in [-f, f)) or a pair, within [-1, 1] (Keras's default value_range (0, 255)).</summary>
    public RandomBrightness(double[] factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(RandomFactor.Parse(factor, -1, 1, Who(name)), RandomFactor.ValueRange(valueRange ?? [0, 255], Who(name)), seed, name, inputShape, batchSize)
    {
    }

    /// <summary>A RandomBrightness layer with deltas in [-factor, factor) of the value range.</summary>
    public RandomBrightness(double factor, double[]? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([factor], valueRange, seed, name, inputShape, batchSize)
    {
    }

    private static string Who(string? name) => $"RandomBrightness layer '{name ?? "random_brightness"}'";

    /// <inheritdoc/>
    private protected override Tensor Adjust(Tensor x, SeedGenerator rng)
    {
        double width = ValueRange.High - ValueRange.Low;
        return Ops.Add(x, RandomFactor.PerSample(x, rng, Factor.Lower * width, Factor.Upper * width));
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomBrightness FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomBrightness(RandomFactor.Numbers(config, "factor", []), RandomFactor.Numbers(config, "value_range", [0, 255]),
            Cfg.OptionalInt(config, "seed"), Cfg.Name(config));
    }
}
