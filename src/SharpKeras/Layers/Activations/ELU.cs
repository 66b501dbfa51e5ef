using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Exponential linear unit layer (<c>keras.layers.ELU</c>): x for x &gt; 0, alpha (exp(x) - 1) below.</summary>
public sealed class ELU : Layer, Saving.IKerasSerializable<ELU>
{
    /// <summary>An ELU layer (Keras's default alpha 1).</summary>
    public ELU(double alpha = 1.0, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        Alpha = alpha;
    }

    /// <summary>The scale of the negative part.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.Elu(inputs, Alpha);

    /// <summary>The config; Keras 3.11's ELU leaves alpha out of its config (so its files reload with alpha 1), this writes it, which Keras's constructor accepts.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["alpha"] = Alpha;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static ELU FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ELU(Saving.Cfg.Double(config, "alpha", 1.0), Saving.Cfg.Name(config));
    }
}
