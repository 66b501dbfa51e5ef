using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>
/// Randomly zeroes a fraction <see cref="Rate"/> of inputs during training and scales the rest by
/// 1 / (1 - rate) (<c>keras.layers.Dropout</c>); the identity at inference.
/// </summary>
public sealed class Dropout : Layer, Saving.IKerasSerializable<Dropout>
{
    private readonly SeedGenerator _rng;

    /// <summary>A Dropout layer dropping a fraction <paramref name="rate"/> in [0, 1]; <paramref name="inputShape"/> (optional) declares the per-sample input shape.</summary>
    public Dropout(double rate, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Dropout rate must be in [0, 1], got {rate}.");
        }
        Rate = rate;
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>Fraction of inputs to drop.</summary>
    public double Rate { get; }

    /// <summary>Seed of the dropout mask stream, if fixed.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rate"] = Rate;
        c["seed"] = Seed;
        c["noise_shape"] = null;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Dropout FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["noise_shape"] is { } ns)
        {
            throw new FormatException($"Dropout layer '{Saving.Cfg.Name(config)}': noise_shape {ns.ToJsonString()} is not supported yet.");
        }
        return new Dropout(Saving.Cfg.Double(config, "rate"), Saving.Cfg.OptionalInt(config, "seed"), Saving.Cfg.Name(config));
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (!training || Rate == 0)
        {
            return inputs;
        }
        return Ops.Dropout(inputs, Rate, _rng);
    }
}
