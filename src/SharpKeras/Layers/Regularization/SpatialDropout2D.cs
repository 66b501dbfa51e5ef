using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Drops whole feature maps (<c>keras.layers.SpatialDropout2D</c>): in training, each channel of
/// each sample is zeroed with probability <see cref="Rate"/> over all positions and the rest scaled
/// by 1 / (1 - rate); the identity at inference.
/// </summary>
public sealed class SpatialDropout2D : Layer, Saving.IKerasSerializable<SpatialDropout2D>
{
    private readonly SeedGenerator _rng;

    /// <summary>A SpatialDropout2D layer dropping a fraction <paramref name="rate"/> in [0, 1] of channels.</summary>
    public SpatialDropout2D(double rate, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"SpatialDropout2D rate must be in [0, 1], got {rate}.");
        }
        Rate = rate;
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>Fraction of channels to drop.</summary>
    public double Rate { get; }

    /// <summary>Seed of the mask stream, if fixed.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape.Rank == 4
        ? inputShape
        : throw IncompatibleInput(inputShape, $"expected ndim=4 (batch, height, width, channels), found ndim={inputShape.Rank}");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        !training || Rate == 0 ? inputs : Ops.SpatialDropout(inputs, Rate, _rng);

    /// <summary>Keras's SpatialDropout2D config: rate, seed, name, dtype (a plain string) and data_format, without trainable.</summary>
    public override JsonObject GetConfig() => new()
    {
        ["rate"] = Rate,
        ["seed"] = Seed,
        ["name"] = Name,
        ["dtype"] = "float32",
        ["data_format"] = "channels_last",
    };

    /// <summary>Keras's dropout layers are built at construction, so their configs carry no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static SpatialDropout2D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Saving.ConvLayerConfigs.Checked(config);
        return new SpatialDropout2D(Saving.Cfg.Double(config, "rate"), Saving.Cfg.OptionalInt(config, "seed"), name);
    }
}
