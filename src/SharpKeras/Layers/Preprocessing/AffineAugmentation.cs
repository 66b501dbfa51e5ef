using System.Text.Json.Nodes;
using SharpKeras.Backend;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// What RandomRotation, RandomZoom and RandomTranslation share: Keras's argument checks, and a training call that
/// draws one transform per image inside the affine-transform op, so that every run of the op (a replayed step too) draws afresh.
/// </summary>
internal static class AffineAugmentation
{
    /// <summary>
    /// RandomZoom's and RandomTranslation's _set_factor: a number f gives (-|f|, |f|), a pair is sorted; every number within [-1, 1].
    /// </summary>
    public static (double Lower, double Upper) Factor(double[] factor, string argument, string who)
    {
        ArgumentNullException.ThrowIfNull(factor, argument);
        string Error() => $"{who}: {argument} should be a number (or a list of two numbers) in the range [-1.0, 1.0]; got [{string.Join(", ", factor)}].";
        if (factor.Length is not (1 or 2) || factor.Any(f => double.IsNaN(f) || f < -1 || f > 1))
        {
            throw new ArgumentOutOfRangeException(argument, Error());
        }
        if (factor.Length == 2)
        {
            return (Math.Min(factor[0], factor[1]), Math.Max(factor[0], factor[1]));
        }
        double a = Math.Abs(factor[0]);
        return (-a, a);
    }

    /// <summary>A factor as the user gave it, as Keras writes it back: a number, or a list of two.</summary>
    public static JsonNode? AsGiven(double[]? factor) => factor switch
    {
        null => null,
        [var f] => JsonValue.Create(f),
        _ => new JsonArray([.. factor.Select(f => (JsonNode?)JsonValue.Create(f))]),
    };

    /// <summary>A factor from a config: a number or a list of numbers, or null when absent or null.</summary>
    public static double[]? OptionalFactor(JsonObject config, string key) =>
        config[key] is null ? null : RandomFactor.Numbers(config, key, []);

    /// <summary>
    /// The training call: images (rank 3 or 4, either data format) as float, transformed by one transform per image that
    /// <paramref name="draw"/> writes (8 values per image, Keras's order) from <paramref name="rng"/> for images of (height, width).
    /// </summary>
    public static Tensor Transform(Tensor inputs, bool channelsFirst, SeedGenerator rng, Action<SeedGenerator, float[], int, int> draw,
        bool bilinear, AffineFillMode fillMode, double fillValue)
    {
        var x = inputs.IsFloat ? inputs : Ops.Cast(inputs, DType.Float32);
        return ImageResampling.OnImages(x, channelsFirst, t =>
        {
            int n = t.Shape[0], h = t.Shape[1], w = t.Shape[2];
            var transforms = new float[8 * n];
            return Ops.AffineTransform(t, transforms, r =>
            {
                // One generator may serve several replays at once (inference plans are pooled), so draws take turns.
                lock (rng)
                {
                    draw(rng, r, h, w);
                }
            }, bilinear, fillMode, (float)fillValue, h, w);
        });
    }

    /// <summary>Keras's _compute_affine_matrix for a rotation by <paramref name="degrees"/> about the image centre (no translation, scale or shear).</summary>
    public static void Rotation(Span<float> row, double degrees, int height, int width)
    {
        double angle = degrees * Math.PI / 180.0;
        double cx = 0.5 * (width - 1), cy = 0.5 * (height - 1);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double a0 = cos, a1 = -sin, b0 = sin, b1 = cos;
        row[0] = (float)a0;
        row[1] = (float)a1;
        row[2] = (float)(cx - cx * a0 - cy * a1);
        row[3] = (float)b0;
        row[4] = (float)b1;
        row[5] = (float)(cy - cx * b0 - cy * b1);
        row[6] = 0f;
        row[7] = 0f;
    }

    /// <summary>A draw uniform in [low, high) from <paramref name="rng"/>, as keras.random.uniform.</summary>
    public static double Uniform(SeedGenerator rng, double low, double high) => low + (high - low) * rng.NextFloat();
}
