using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>Keras's factor and value_range arguments of the random image layers, checked and serialized as Keras writes them.</summary>
internal static class RandomFactor
{
    /// <summary>Keras's _set_factor: a number f gives (max(-f, lower bound), f); a pair is sorted; both within the bounds.</summary>
    public static (double Lower, double Upper) Parse(double[] factor, double lowerBound, double upperBound, string who)
    {
        ArgumentNullException.ThrowIfNull(factor);
        string error = $"{who}: factor should be a number (or a list of two numbers) in the range [{lowerBound}, {upperBound}]; got [{string.Join(", ", factor)}].";
        if (factor.Length == 2)
        {
            if (factor[0] > upperBound || factor[1] < lowerBound)
            {
                throw new ArgumentOutOfRangeException(nameof(factor), error);
            }
            return (Math.Min(factor[0], factor[1]), Math.Max(factor[0], factor[1]));
        }
        if (factor.Length != 1 || factor[0] < lowerBound || factor[0] > upperBound || double.IsNaN(factor[0]))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), error);
        }
        double f = Math.Abs(factor[0]);
        return (Math.Max(-f, lowerBound), f);
    }

    /// <summary>A (low, high) pair checked: two numbers, sorted as Keras sorts value_range.</summary>
    public static (double Low, double High) ValueRange(double[] valueRange, string who)
    {
        ArgumentNullException.ThrowIfNull(valueRange);
        if (valueRange.Length != 2)
        {
            throw new ArgumentException($"{who}: value_range must be a list of two numbers (low, high); got {valueRange.Length} values.", nameof(valueRange));
        }
        return (Math.Min(valueRange[0], valueRange[1]), Math.Max(valueRange[0], valueRange[1]));
    }

    /// <summary>A pair as Keras writes a tuple: a JSON list.</summary>
    public static JsonArray Pair(double a, double b) => new(a, b);

    /// <summary>A number or a list of numbers from a config.</summary>
    public static double[] Numbers(JsonObject config, string key, double[] fallback)
    {
        var node = config[key];
        if (node is null)
        {
            return fallback;
        }
        if (node is JsonArray a)
        {
            return [.. a.Select(v => v is JsonValue jv && jv.TryGetValue<double>(out var d) ? d : throw Cfg.Wrong(config, key, "a number or a list of numbers", node))];
        }
        return [Cfg.Double(config, key)];
    }

    /// <summary>
    /// One uniform draw in [low, high) per image of <paramref name="images"/> (rank 4 or 3), shaped (n, 1, 1, 1) (or (1, 1, 1)
    /// for a single image), drawn inside an op so that every run of a recorded step draws afresh.
    /// </summary>
    public static Tensor PerSample(Tensor images, SeedGenerator rng, double low, double high) =>
        Ops.RandomDraws(images, PerSampleShape(images), rng, (g, v) =>
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (float)(low + (high - low) * g.NextFloat());
            }
        });

    /// <summary>The shape of one value per image that broadcasts against <paramref name="images"/>: (n, 1, 1, 1), or (1, 1, 1) for a single image.</summary>
    public static Shape PerSampleShape(Tensor images) => images.Rank == 4 ? new Shape(images.Shape[0], 1, 1, 1) : new Shape(1, 1, 1);

    /// <summary>Checks that an image batch has rank 3 or 4, naming the layer.</summary>
    public static void CheckImages(Layer layer, Shape shape)
    {
        if (shape.Rank != 3 && shape.Rank != 4)
        {
            throw new ArgumentException($"{layer.GetType().Name} layer '{layer.Name}': expected images of rank 4 (batch, height, width, channels) or rank 3 (one image), got rank {shape.Rank} (shape {shape}).");
        }
    }
}
