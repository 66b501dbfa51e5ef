using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Categorical crossentropy scaled by alpha (1 - p)^gamma (<c>keras.losses.CategoricalFocalCrossentropy</c>).</summary>
public sealed class CategoricalFocalCrossentropy(double alpha = 0.25, double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int axis = -1,
    string? reduction = "sum_over_batch_size", string name = "categorical_focal_crossentropy") : Loss(name, reduction), IKerasSerializable<CategoricalFocalCrossentropy>
{
    /// <summary>The weighting factor.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>The focusing exponent.</summary>
    public double Gamma { get; } = gamma;

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
        c["alpha"] = Alpha;
        c["gamma"] = Gamma;
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) =>
        LossFunctions.CategoricalFocalCrossentropy(yTrue, yPred, Alpha, Gamma, FromLogits, LabelSmoothing, Axis);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalFocalCrossentropy FromConfig(JsonObject config) => new(Cfg.Double(config, "alpha", 0.25), Cfg.Double(config, "gamma", 2.0),
        Cfg.Bool(config, "from_logits", false), Cfg.Double(config, "label_smoothing", 0), Cfg.Int(config, "axis", -1), ReductionOf(config),
        NameOf(config, "categorical_focal_crossentropy"));
}
