using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Base of the spatial dropout layers (Keras's <c>BaseSpatialDropout</c>): in training, each channel of
/// each sample is zeroed with probability <see cref="Rate"/> over all positions and the rest scaled by
/// 1 / (1 - rate); the identity at inference.
/// </summary>
public abstract class BaseSpatialDropout : Layer
{
    private readonly SeedGenerator _rng;
    private readonly int _rank;
    private readonly string _axes;
    private readonly bool _writesDataFormat;

    /// <summary>Validates the rate; <paramref name="axes"/> names the expected input axes for errors.</summary>
    private protected BaseSpatialDropout(int rank, string axes, bool writesDataFormat, double rate, int? seed, string? name, int[]? inputShape, int? batchSize)
        : base(name, inputShape, batchSize)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"{GetType().Name} rate must be in [0, 1], got {rate}.");
        }
        _rank = rank;
        _axes = axes;
        _writesDataFormat = writesDataFormat;
        Rate = rate;
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>Fraction of channels to drop.</summary>
    public double Rate { get; }

    /// <summary>Seed of the mask stream, if fixed.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

    /// <summary>Keras's dropout layers are built at construction, so their configs carry no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape.Rank == _rank
        ? inputShape
        : throw IncompatibleInput(inputShape, $"expected ndim={_rank} ({_axes}), found ndim={inputShape.Rank}");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        !training || Rate == 0 ? inputs : Ops.SpatialDropout(inputs, Rate, _rng);

    /// <summary>Keras's spatial dropout config: rate, seed, name, dtype (a plain string) and, from 2-D up, data_format; without trainable.</summary>
    public override JsonObject GetConfig()
    {
        var config = new JsonObject
        {
            ["rate"] = Rate,
            ["seed"] = Seed,
            ["name"] = Name,
            ["dtype"] = "float32",
        };
        if (_writesDataFormat)
        {
            config["data_format"] = "channels_last";
        }
        return config;
    }
}
