using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Dropout that keeps SELU's self-normalising mean and variance (<c>keras.layers.AlphaDropout</c>): in
/// training, each input is set to SELU's negative saturation -alpha * scale with probability
/// <see cref="Rate"/>, then all are mapped by a * x + b so mean and variance are kept; the identity at inference.
/// </summary>
public sealed class AlphaDropout : Layer, Saving.IKerasSerializable<AlphaDropout>
{
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;
    private readonly SeedGenerator _rng;

    /// <summary>An AlphaDropout layer with drop probability <paramref name="rate"/> in [0, 1].</summary>
    public AlphaDropout(double rate, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"AlphaDropout: invalid value received for argument `rate`; expected a float value between 0 and 1, received rate={rate}.");
        }
        Rate = rate;
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>The drop probability.</summary>
    public double Rate { get; }

    /// <summary>Seed of the mask stream, if fixed.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

    /// <summary>Keras builds this layer at construction, so its config carries no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (!training || Rate == 0)
        {
            return inputs;
        }
        double rate = Rate;
        double alphaP = -SeluAlpha * SeluScale;
        double a = Math.Pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5);
        double b = -a * alphaP * rate;
        float keptScale = (float)a, keptShift = (float)b, droppedShift = (float)(a * alphaP + b);
        // Keras: kept where uniform >= rate; a * (x kept or alpha_p dropped) + b.
        return Ops.AffineNoise(inputs, _rng, (rng, scale, shift) =>
        {
            for (int i = 0; i < scale.Length; i++)
            {
                bool kept = rng.NextFloat() >= rate;
                scale[i] = kept ? keptScale : 0f;
                shift[i] = kept ? keptShift : droppedShift;
            }
        });
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rate"] = Rate;
        c["seed"] = Seed;
        c["noise_shape"] = null;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); a noise_shape other than null is refused.</summary>
    public static AlphaDropout FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["noise_shape"] is { } ns)
        {
            throw new Saving.ConfigException($"AlphaDropout layer {Saving.Cfg.Describe(config)}: noise_shape {ns.ToJsonString()} is not supported yet (only null).");
        }
        return new AlphaDropout(Saving.Cfg.Double(config, "rate"), Saving.Cfg.OptionalInt(config, "seed"), Saving.Cfg.Name(config));
    }
}
