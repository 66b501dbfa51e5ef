using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Passes its input through unchanged and adds l1 * sum|x| + l2 * sum x^2 of it to the loss
/// (<c>keras.layers.ActivityRegularization</c>; as every activity penalty, divided by the batch size).
/// </summary>
public sealed class ActivityRegularization : Layer, Saving.IKerasSerializable<ActivityRegularization>
{
    /// <summary>An ActivityRegularization layer with the L1 and L2 factors (Keras's defaults 0).</summary>
    public ActivityRegularization(double l1 = 0.0, double l2 = 0.0, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (!(l1 >= 0) || !(l2 >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(l1), $"ActivityRegularization: l1 and l2 must be non-negative numbers, got l1={l1}, l2={l2}.");
        }
        L1 = l1;
        L2 = l2;
        ActivityRegularizer = new Regularizers.L1L2(l1, l2);
    }

    /// <summary>The L1 factor.</summary>
    public double L1 { get; }

    /// <summary>The L2 factor.</summary>
    public double L2 { get; }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <summary>Keras builds this layer at construction, so its config carries no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => inputs;

    /// <summary>Keras's config: the base keys without activity_regularizer, then l1 and l2.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("activity_regularizer");
        c["l1"] = L1;
        c["l2"] = L2;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static ActivityRegularization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            return new ActivityRegularization(Saving.Cfg.Double(config, "l1", 0.0), Saving.Cfg.Double(config, "l2", 0.0), Saving.Cfg.Name(config));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new Saving.ConfigException($"Layer {Saving.Cfg.Describe(config)}: {e.Message}", e);
        }
    }
}
