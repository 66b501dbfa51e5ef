using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Crossentropy between one-hot labels and predicted class probabilities (or logits).</summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false) : Loss("categorical_crossentropy"), IKerasSerializable<CategoricalCrossentropy>
{
    /// <summary>True when predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["from_logits"] = FromLogits;
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        CheckSameShape(yTrue, yPred);
        return FromLogits
            ? Ops.Negative(Ops.Sum(Ops.Multiply(yTrue, Ops.LogSoftmax(yPred)), -1))
            : CrossentropyOnProbabilities(yTrue, yPred);
    }

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalCrossentropy FromConfig(JsonObject config) => new(Cfg.Bool(config, "from_logits", false));
}
