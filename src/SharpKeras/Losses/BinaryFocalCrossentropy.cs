using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Binary crossentropy scaled by (1 - p_t)^gamma (<c>keras.losses.BinaryFocalCrossentropy</c>, identifier "binary_focal_crossentropy").</summary>
public sealed class BinaryFocalCrossentropy(bool applyClassBalancing = false, double alpha = 0.25, double gamma = 2.0, bool fromLogits = false,
    double labelSmoothing = 0, int axis = -1, string? reduction = "sum_over_batch_size", string name = "binary_focal_crossentropy")
    : Loss(name, reduction), IKerasSerializable<BinaryFocalCrossentropy>
{
    /// <summary>Weights positives by alpha and negatives by 1 - alpha.</summary>
    public bool ApplyClassBalancing { get; } = applyClassBalancing;

    /// <summary>The class-balancing weight of positives.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>The focusing exponent.</summary>
    public double Gamma { get; } = gamma;

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
        c["apply_class_balancing"] = ApplyClassBalancing;
        c["alpha"] = Alpha;
        c["gamma"] = Gamma;
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) =>
        LossFunctions.BinaryFocalCrossentropy(yTrue, yPred, ApplyClassBalancing, Alpha, Gamma, FromLogits, LabelSmoothing, Axis);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static BinaryFocalCrossentropy FromConfig(JsonObject config) => new(Cfg.Bool(config, "apply_class_balancing", false), Cfg.Double(config, "alpha", 0.25),
        Cfg.Double(config, "gamma", 2.0), Cfg.Bool(config, "from_logits", false), Cfg.Double(config, "label_smoothing", 0), Cfg.Int(config, "axis", -1),
        ReductionOf(config), NameOf(config, "binary_focal_crossentropy"));
}
