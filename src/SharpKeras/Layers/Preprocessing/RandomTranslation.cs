using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Shifts each image by a random amount during training (<c>keras.layers.RandomTranslation</c>): a vertical shift of
/// u x height and a horizontal one of v x width, u and v drawn per image in the height and width factor ranges
/// (positive moves the content down and right), through Keras's affine_transform with its fill modes; the identity at
/// inference (images cast to float, as Keras's). Seeded draws repeat for a seed but come from SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomTranslation : BaseRandomAffine, IKerasSerializable<RandomTranslation>
{
    private readonly double[] _heightFactor;
    private readonly double[] _widthFactor;

    /// <summary>A RandomTranslation layer; each factor is one number f (shifts in [-f, f] of the size) or a pair, every number within [-1, 1] (Keras's defaults: fill "reflect", "bilinear").</summary>
    public RandomTranslation(double[] heightFactor, double[] widthFactor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null,
        double fillValue = 0.0, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(Who(name), fillMode, interpolation, seed, fillValue, dataFormat, name, inputShape, batchSize)
    {
        string who = Who(name);
        HeightRange = AffineAugmentation.Factor(heightFactor, nameof(heightFactor), who);
        WidthRange = AffineAugmentation.Factor(widthFactor, nameof(widthFactor), who);
        _heightFactor = [.. heightFactor];
        _widthFactor = [.. widthFactor];
    }

    /// <summary>A RandomTranslation layer with one number per factor (Keras's <c>RandomTranslation(0.1, 0.1)</c>).</summary>
    public RandomTranslation(double heightFactor, double widthFactor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null,
        double fillValue = 0.0, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this([heightFactor], [widthFactor], fillMode, interpolation, seed, fillValue, dataFormat, name, inputShape, batchSize)
    {
    }

    /// <summary>The height factor as given: one number or a pair.</summary>
    public IReadOnlyList<double> HeightFactor => _heightFactor;

    /// <summary>The width factor as given: one number or a pair.</summary>
    public IReadOnlyList<double> WidthFactor => _widthFactor;

    /// <summary>The (lower, upper) range of vertical shifts, as fractions of the height.</summary>
    public (double Lower, double Upper) HeightRange { get; }

    /// <summary>The (lower, upper) range of horizontal shifts, as fractions of the width.</summary>
    public (double Lower, double Upper) WidthRange { get; }

    private static string Who(string? name) => $"RandomTranslation layer '{name ?? "random_translation"}'";

    /// <inheritdoc/>
    private protected override void DrawTransforms(SeedGenerator rng, float[] rows, int h, int w)
    {
        var height = HeightRange;
        var width = WidthRange;
        int n = rows.Length / 8;
        // Keras draws all vertical shifts, then all horizontal ones; the matrix is [1, 0, -dx, 0, 1, -dy, 0, 0].
        for (int b = 0; b < n; b++)
        {
            rows[8 * b + 5] = -(float)(AffineAugmentation.Uniform(rng, height.Lower, height.Upper) * h);
        }
        for (int b = 0; b < n; b++)
        {
            rows[8 * b + 2] = -(float)(AffineAugmentation.Uniform(rng, width.Lower, width.Upper) * w);
            rows[8 * b] = 1f;
            rows[8 * b + 1] = 0f;
            rows[8 * b + 3] = 0f;
            rows[8 * b + 4] = 1f;
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
    public static RandomTranslation FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomTranslation(
            AffineAugmentation.OptionalFactor(config, "height_factor") ?? throw Cfg.Wrong(config, "height_factor", "a number or a list of two numbers", null),
            AffineAugmentation.OptionalFactor(config, "width_factor") ?? throw Cfg.Wrong(config, "width_factor", "a number or a list of two numbers", null),
            Cfg.String(config, "fill_mode", "reflect"), Cfg.String(config, "interpolation", "bilinear"),
            Cfg.OptionalInt(config, "seed"), Cfg.Double(config, "fill_value", 0.0), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
    }
}
