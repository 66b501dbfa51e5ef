using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Leaky rectifier layer (<c>keras.layers.LeakyReLU</c>): x for x &gt;= 0, negativeSlope x below (default 0.3).</summary>
public sealed class LeakyReLU : Layer, Saving.IKerasSerializable<LeakyReLU>
{
    /// <summary>A LeakyReLU layer with <paramref name="negativeSlope"/> &gt;= 0.</summary>
    public LeakyReLU(double negativeSlope = 0.3, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (!(negativeSlope >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"LeakyReLU: negativeSlope cannot be negative; expected a float >= 0, received negativeSlope={negativeSlope}.");
        }
        NegativeSlope = negativeSlope;
    }

    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.LeakyRelu(inputs, NegativeSlope);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["negative_slope"] = NegativeSlope;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>; Keras 2's <c>alpha</c> is read too).</summary>
    public static LeakyReLU FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        double slope = config["negative_slope"] is not null ? Saving.Cfg.Double(config, "negative_slope")
            : Saving.Cfg.Double(config, "alpha", 0.3);
        try
        {
            return new LeakyReLU(slope, Saving.Cfg.Name(config));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new Saving.ConfigException($"Layer {Saving.Cfg.Describe(config)}: {e.Message}", e);
        }
    }
}
