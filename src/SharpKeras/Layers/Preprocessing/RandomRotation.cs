using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Rotates each image by a random angle during training (<c>keras.layers.RandomRotation</c>): the angle is drawn in
/// [factor lower, factor upper) x 360 degrees per image (positive counter-clockwise), about the image centre, through
/// Keras's affine_transform with its fill modes; the identity at inference (images cast to float, as Keras's).
/// Seeded draws repeat for a seed but come from SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomRotation : BaseRandomAffine, IKerasSerializable<RandomRotation>
{
    /// <summary>A RandomRotation layer; <paramref name="factor"/> is one number f (angles in [-f, f) x 360 degrees) or a pair, within [-1, 1] (Keras's defaults: fill "reflect", "bilinear").</summary>
    public RandomRotation(double[] factor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null, double fillValue = 0.0,
        string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(Who(name), fillMode, interpolation, seed, fillValue, dataFormat, name, inputShape, batchSize)
    {
        Factor = RandomFactor.Parse(factor, -1, 1, Who(name));
    }

    /// <summary>A RandomRotation layer with one factor number f: angles in [-f, f) x 360 degrees.</summary>
    public RandomRotation(double factor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null, double fillValue = 0.0,
        string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([factor], fillMode, interpolation, seed, fillValue, dataFormat, name, inputShape, batchSize)
    {
    }

    /// <summary>The (lower, upper) rotation as fractions of a full turn.</summary>
    public (double Lower, double Upper) Factor { get; }

    private static string Who(string? name) => $"RandomRotation layer '{name ?? "random_rotation"}'";

    /// <inheritdoc/>
    private protected override void DrawTransforms(SeedGenerator rng, float[] rows, int h, int w)
    {
        var (lower, upper) = (Factor.Lower * 360.0, Factor.Upper * 360.0);
        for (int b = 0; b < rows.Length / 8; b++)
        {
            AffineAugmentation.Rotation(rows.AsSpan(8 * b, 8), AffineAugmentation.Uniform(rng, lower, upper), h, w);
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["factor"] = RandomFactor.Pair(Factor.Lower, Factor.Upper);
        c["data_format"] = DataFormat;
        c["fill_mode"] = FillMode;
        c["fill_value"] = FillValue;
        c["interpolation"] = Interpolation;
        c["seed"] = Seed;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RandomRotation FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomRotation(RandomFactor.Numbers(config, "factor", []), Cfg.String(config, "fill_mode", "reflect"), Cfg.String(config, "interpolation", "bilinear"),
            Cfg.OptionalInt(config, "seed"), Cfg.Double(config, "fill_value", 0.0), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
    }
}
