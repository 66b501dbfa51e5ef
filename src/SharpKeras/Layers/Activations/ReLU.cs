using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Rectified linear unit layer (<c>keras.layers.ReLU</c>): x from the threshold up, capped at
/// <see cref="MaxValue"/>, and <see cref="NegativeSlope"/> (x - threshold) below it.
/// </summary>
public sealed class ReLU : Layer, Saving.IKerasSerializable<ReLU>
{
    /// <summary>A ReLU layer; every argument must be &gt;= 0 (Keras's defaults: no cap, slope 0, threshold 0).</summary>
    public ReLU(double? maxValue = null, double negativeSlope = 0.0, double threshold = 0.0, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (maxValue is { } m && !(m >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"ReLU: maxValue cannot be a negative value; received maxValue={m}.");
        }
        if (!(negativeSlope >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"ReLU: negativeSlope cannot be a negative value; received negativeSlope={negativeSlope}.");
        }
        if (!(threshold >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"ReLU: threshold cannot be a negative value; received threshold={threshold}.");
        }
        MaxValue = maxValue;
        NegativeSlope = negativeSlope;
        Threshold = threshold;
    }

    /// <summary>The largest output value, or null for none.</summary>
    public double? MaxValue { get; }

    /// <summary>The slope below the threshold.</summary>
    public double NegativeSlope { get; }

    /// <summary>The value from which the unit passes x.</summary>
    public double Threshold { get; }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.Relu(inputs, NegativeSlope, MaxValue, Threshold);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["max_value"] = MaxValue;
        c["negative_slope"] = NegativeSlope;
        c["threshold"] = Threshold;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static ReLU FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        double? max = config["max_value"] is null ? null : Saving.Cfg.Double(config, "max_value");
        try
        {
            return new ReLU(max, Saving.Cfg.Double(config, "negative_slope", 0.0), Saving.Cfg.Double(config, "threshold", 0.0), Saving.Cfg.Name(config));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new Saving.ConfigException($"Layer {Saving.Cfg.Describe(config)}: {e.Message}", e);
        }
    }
}
