using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Adds zero-centred Gaussian noise of standard deviation <see cref="Stddev"/> in training
/// (<c>keras.layers.GaussianNoise</c>); the identity at inference.
/// </summary>
public sealed class GaussianNoise : Layer, Saving.IKerasSerializable<GaussianNoise>
{
    private readonly SeedGenerator _rng;

    /// <summary>A GaussianNoise layer with <paramref name="stddev"/> in [0, 1], as Keras requires.</summary>
    public GaussianNoise(double stddev, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (double.IsNaN(stddev) || stddev < 0 || stddev > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stddev), stddev, $"GaussianNoise: invalid value received for argument `stddev`; expected a float value between 0 and 1, received stddev={stddev}.");
        }
        Stddev = stddev;
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>Standard deviation of the noise.</summary>
    public double Stddev { get; }

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
        if (!training || Stddev == 0)
        {
            return inputs;
        }
        double stddev = Stddev;
        return Ops.AffineNoise(inputs, _rng, (rng, scale, shift) =>
        {
            scale.Fill(1f);
            for (int i = 0; i < shift.Length; i++)
            {
                shift[i] = (float)(stddev * rng.NextNormal());
            }
        });
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["stddev"] = Stddev;
        c["seed"] = Seed;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GaussianNoise FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GaussianNoise(Saving.Cfg.Double(config, "stddev"), Saving.Cfg.OptionalInt(config, "seed"), Saving.Cfg.Name(config));
    }
}
