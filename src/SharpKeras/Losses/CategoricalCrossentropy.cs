using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Crossentropy between one-hot labels and class probabilities or logits (<c>keras.losses.CategoricalCrossentropy</c>).</summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0, int axis = -1, string? reduction = "sum_over_batch_size",
    string name = "categorical_crossentropy") : Loss(name, reduction), IKerasSerializable<CategoricalCrossentropy>
{
    /// <summary>True when predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <summary>Labels become t (1 - s) + s / classes.</summary>
    public double LabelSmoothing { get; } = labelSmoothing;

    /// <summary>The class axis.</summary>
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
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        CheckSameShape(yTrue, yPred);
        return LossFunctions.CategoricalCrossentropy(yTrue, yPred, FromLogits, LabelSmoothing, Axis);
    }

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalCrossentropy FromConfig(JsonObject config) => new(Cfg.Bool(config, "from_logits", false), Cfg.Double(config, "label_smoothing", 0),
        Cfg.Int(config, "axis", -1), ReductionOf(config), NameOf(config, "categorical_crossentropy"));
}
