using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Zooms each image in or out by a random amount during training (<c>keras.layers.RandomZoom</c>): zoom factors
/// 1 + u with u drawn in the height (and width) factor range per image, about the image centre; a positive factor
/// zooms out, a negative one in; without a width factor the aspect ratio is kept (the height draw serves both).
/// Through Keras's affine_transform with its fill modes; the identity at inference (images cast to float, as Keras's).
/// Seeded draws repeat for a seed but come from SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomZoom : BaseRandomAffine, IKerasSerializable<RandomZoom>
{
    private readonly double[] _heightFactor;
    private readonly double[]? _widthFactor;

    /// <summary>A RandomZoom layer; each factor is one number f (in [-f, f]) or a pair, every number within [-1, 1] (Keras's defaults: fill "reflect", "bilinear").</summary>
    public RandomZoom(double[] heightFactor, double[]? widthFactor = null, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null,
        double fillValue = 0.0, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(Who(name), fillMode, interpolation, seed, fillValue, dataFormat, name, inputShape, batchSize)
    {
        string who = Who(name);
        HeightRange = AffineAugmentation.Factor(heightFactor, nameof(heightFactor), who);
        WidthRange = widthFactor is null ? null : AffineAugmentation.Factor(widthFactor, nameof(widthFactor), who);
        _heightFactor = [.. heightFactor];
        _widthFactor = widthFactor is null ? null : [.. widthFactor];
    }

    /// <summary>A RandomZoom layer with one number per factor (Keras's <c>RandomZoom(0.2, 0.2)</c>).</summary>
    public RandomZoom(double heightFactor, double? widthFactor = null, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null,
        double fillValue = 0.0, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this([heightFactor], widthFactor is { } wf ? [wf] : null, fillMode, interpolation, seed, fillValue, dataFormat, name, inputShape, batchSize)
    {
    }

    /// <summary>The height factor as given: one number or a pair.</summary>
    public IReadOnlyList<double> HeightFactor => _heightFactor;

    /// <summary>The width factor as given, or null to keep the aspect ratio.</summary>
    public IReadOnlyList<double>? WidthFactor => _widthFactor;

    /// <summary>The (lower, upper) range of the vertical zoom draws (zoom = 1 + draw).</summary>
    public (double Lower, double Upper) HeightRange { get; }

    /// <summary>The (lower, upper) range of the horizontal zoom draws, or null when the vertical draw serves both.</summary>
    public (double Lower, double Upper)? WidthRange { get; }

    private static string Who(string? name) => $"RandomZoom layer '{name ?? "random_zoom"}'";

    /// <inheritdoc/>
    private protected override void DrawTransforms(SeedGenerator rng, float[] rows, int h, int w)
    {
        var height = HeightRange;
        var width = WidthRange;
        int n = rows.Length / 8;
        // Keras draws all height zooms, then all width zooms.
        for (int b = 0; b < n; b++)
        {
            rows[8 * b + 4] = (float)AffineAugmentation.Uniform(rng, 1 + height.Lower, 1 + height.Upper);
        }
        for (int b = 0; b < n; b++)
        {
            rows[8 * b] = width is { } wr ? (float)AffineAugmentation.Uniform(rng, 1 + wr.Lower, 1 + wr.Upper) : rows[8 * b + 4];
        }
        for (int b = 0; b < n; b++)
        {
            // Keras's zoom matrix: [zx, 0, (w - 1) / 2 (1 - zx), 0, zy, (h - 1) / 2 (1 - zy), 0, 0].
            float zx = rows[8 * b], zy = rows[8 * b + 4];
            rows[8 * b + 1] = 0f;
            rows[8 * b + 2] = (w - 1f) / 2f * (1f - zx);
            rows[8 * b + 3] = 0f;
            rows[8 * b + 5] = (h - 1f) / 2f * (1f - zy);
            rows[8 * b + 6] = 0f;
            rows[8 * b + 7] = 0f;
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["height_factor"] = AffineAugmentation.AsGiven(_heightFactor);
        c["width_factor"] = AffineAugmentation.AsGiven(_widthFactor);
        return WithFillConfig(c);
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomZoom FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomZoom(AffineAugmentation.OptionalFactor(config, "height_factor") ?? throw Cfg.Wrong(config, "height_factor", "a number or a list of two numbers", null),
            AffineAugmentation.OptionalFactor(config, "width_factor"), Cfg.String(config, "fill_mode", "reflect"), Cfg.String(config, "interpolation", "bilinear"),
            Cfg.OptionalInt(config, "seed"), Cfg.Double(config, "fill_value", 0.0), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
    }
}
