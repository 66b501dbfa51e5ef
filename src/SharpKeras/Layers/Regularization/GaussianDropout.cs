using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Multiplies by Gaussian noise of mean 1 and standard deviation sqrt(rate / (1 - rate)) in training
/// (<c>keras.layers.GaussianDropout</c>); the identity at inference.
/// </summary>
public sealed class GaussianDropout : Layer, Saving.IKerasSerializable<GaussianDropout>
{
    private readonly SeedGenerator _rng;

    /// <summary>A GaussianDropout layer with drop probability <paramref name="rate"/> in [0, 1].</summary>
    public GaussianDropout(double rate, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"GaussianDropout: invalid value received for argument `rate`; expected a float value between 0 and 1, received rate={rate}.");
        }
        Rate = rate;
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>The drop probability that sets the noise's spread.</summary>
    public double Rate { get; }

    /// <summary>Seed of the noise stream, if fixed.</summary>
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
        // rate 1 gives an infinite spread in Keras too (sqrt(1 / 0)).
        double stddev = Math.Sqrt(Rate / (1.0 - Rate));
        return Ops.AffineNoise(inputs, _rng, (rng, scale, shift) =>
        {
            shift.Clear();
            for (int i = 0; i < scale.Length; i++)
            {
                scale[i] = (float)(1.0 + stddev * rng.NextNormal());
            }
        });
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rate"] = Rate;
        c["seed"] = Seed;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GaussianDropout FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GaussianDropout(Saving.Cfg.Double(config, "rate"), Saving.Cfg.OptionalInt(config, "seed"), Saving.Cfg.Name(config));
    }
}
