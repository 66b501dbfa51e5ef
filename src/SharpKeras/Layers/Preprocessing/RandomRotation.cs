using System.Text.Json.Nodes;
using SharpKeras.Backend;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Rotates each image by a random angle during training (<c>keras.layers.RandomRotation</c>): the angle is drawn in
/// [factor lower, factor upper) x 360 degrees per image (positive counter-clockwise), about the image centre, through
/// Keras's affine_transform with its fill modes; the identity at inference (images cast to float, as Keras's).
/// Seeded draws repeat for a seed but come from SharpKeras's generator, not Python Keras's.
/// </summary>
public sealed class RandomRotation : Layer, IKerasSerializable<RandomRotation>
{
    private readonly SeedGenerator _rng;
    private readonly AffineFillMode _fillMode;
    private readonly bool _bilinear;

    /// <summary>A RandomRotation layer; <paramref name="factor"/> is one number f (angles in [-f, f) x 360 degrees) or a pair, within [-1, 1] (Keras's defaults: fill "reflect", "bilinear").</summary>
    public RandomRotation(double[] factor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null, double fillValue = 0.0,
        string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"RandomRotation layer '{name ?? "random_rotation"}'";
        Factor = RandomFactor.Parse(factor, -1, 1, who);
        _fillMode = Ops.AffineFill(fillMode, who);
        _bilinear = Ops.AffineInterpolation(interpolation, who);
        FillMode = fillMode;
        Interpolation = interpolation;
        Seed = seed;
        FillValue = fillValue;
        DataFormat = ImageResampling.DataFormat(dataFormat, who);
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>A RandomRotation layer with one factor number f: angles in [-f, f) x 360 degrees.</summary>
    public RandomRotation(double factor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null, double fillValue = 0.0,
        string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([factor], fillMode, interpolation, seed, fillValue, dataFormat, name, inputShape, batchSize)
    {
    }

    /// <summary>The (lower, upper) rotation as fractions of a full turn.</summary>
    public (double Lower, double Upper) Factor { get; }

    /// <summary>"reflect", "wrap", "constant" or "nearest".</summary>
    public string FillMode { get; }

    /// <summary>"bilinear" or "nearest".</summary>
    public string Interpolation { get; }

    /// <summary>The seed of the draws, if fixed.</summary>
    public int? Seed { get; }

    /// <summary>The value of points outside the image when the fill mode is "constant".</summary>
    public double FillValue { get; }

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
            return inputs.IsFloat ? inputs : inputs.Cast(DType.Float32);
        }
        var (lower, upper) = (Factor.Lower * 360.0, Factor.Upper * 360.0);
        return AffineAugmentation.Transform(inputs, DataFormat == "channels_first", _rng, (rng, rows, h, w) =>
        {
            for (int b = 0; b < rows.Length / 8; b++)
            {
                AffineAugmentation.Rotation(rows.AsSpan(8 * b, 8), AffineAugmentation.Uniform(rng, lower, upper), h, w);
            }
        }, _bilinear, _fillMode, FillValue);
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
