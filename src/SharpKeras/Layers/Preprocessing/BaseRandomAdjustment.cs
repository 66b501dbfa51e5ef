using System.Text.Json.Nodes;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Base of RandomBrightness and RandomContrast (Keras's image preprocessing layers with a factor and a value_range):
/// in training, one draw per image adjusts the pixel values, clipped to value_range; the identity at inference.
/// </summary>
public abstract class BaseRandomAdjustment : Layer
{
    private readonly SeedGenerator _rng;

    /// <summary>Stores the checked factor and value range and seeds the draws.</summary>
    private protected BaseRandomAdjustment((double Lower, double Upper) factor, (double Low, double High) valueRange, int? seed, string? name, int[]? inputShape, int? batchSize)
        : base(name, inputShape, batchSize)
    {
        Factor = factor;
        ValueRange = valueRange;
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
    }

    /// <summary>The (lower, upper) factor of the draws, as the layer defines it.</summary>
    public (double Lower, double Upper) Factor { get; }

    /// <summary>The (low, high) range of pixel values; outputs are clipped to it.</summary>
    public (double Low, double High) ValueRange { get; }

    /// <summary>The seed of the draws, if fixed.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => RandomFactor.CheckImages(this, inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected sealed override Tensor Call(Tensor inputs, bool training)
    {
        if (!training)
        {
            return inputs;
        }
        var x = inputs.IsFloat ? inputs : Ops.Cast(inputs, DType.Float32);
        return Ops.Clip(Adjust(x, _rng), (float)ValueRange.Low, (float)ValueRange.High);
    }

    /// <summary>The training transform of float images <paramref name="x"/> before clipping, drawing from <paramref name="rng"/> inside an op.</summary>
    private protected abstract Tensor Adjust(Tensor x, SeedGenerator rng);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["factor"] = RandomFactor.Pair(Factor.Lower, Factor.Upper);
        c["value_range"] = RandomFactor.Pair(ValueRange.Low, ValueRange.High);
        c["seed"] = Seed;
        return c;
    }
}
