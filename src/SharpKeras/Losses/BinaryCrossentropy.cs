using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Binary crossentropy, averaged over the last axis (<c>keras.losses.BinaryCrossentropy</c>, identifier "binary_crossentropy").</summary>
public sealed class BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0, int axis = -1, string? reduction = "sum_over_batch_size",
    string name = "binary_crossentropy") : Loss(name, reduction), IKerasSerializable<BinaryCrossentropy>
{
    /// <summary>True when predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <summary>Labels become t (1 - s) + s / 2.</summary>
    public double LabelSmoothing { get; } = labelSmoothing;

    /// <summary>The axis the element losses are averaged over.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["from_logits"] = FromLogits;
        c["label_smoothing"] = LabelSmoothing;
        c["axis"] = Axis;
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.BinaryCrossentropy(yTrue, yPred, FromLogits, LabelSmoothing, Axis);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static BinaryCrossentropy FromConfig(JsonObject config) => new(Cfg.Bool(config, "from_logits", false), Cfg.Double(config, "label_smoothing", 0),
        Cfg.Int(config, "axis", -1), ReductionOf(config), NameOf(config, "binary_crossentropy"));
}
