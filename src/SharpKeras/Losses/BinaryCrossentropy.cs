using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Binary crossentropy, averaged over the last axis (Keras's binary_crossentropy).</summary>
public sealed class BinaryCrossentropy(bool fromLogits = false) : Loss("binary_crossentropy"), IKerasSerializable<BinaryCrossentropy>
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
        if (yTrue.Rank == yPred.Rank - 1 && yPred.Shape[-1] == 1)
        {
            yTrue = yTrue.Reshape(yPred.Shape.ToArray());
        }
        CheckSameShape(yTrue, yPred);
        var one = Tensor.Scalar(1f);
        Tensor perElement;
        if (FromLogits)
        {
            // max(x, 0) - x t + log(1 + exp(-|x|)), the stable form of the logistic loss.
            var x = yPred;
            var absX = Ops.Add(Ops.Relu(x), Ops.Relu(Ops.Negative(x)));
            perElement = Ops.Add(Ops.Subtract(Ops.Relu(x), Ops.Multiply(x, yTrue)),
                Ops.Log(Ops.Add(one, Ops.Exp(Ops.Negative(absX)))));
        }
        else
        {
            var p = Ops.Clip(yPred, Epsilon, 1f - Epsilon);
            perElement = Ops.Negative(Ops.Add(Ops.Multiply(yTrue, Ops.Log(p)),
                Ops.Multiply(Ops.Subtract(one, yTrue), Ops.Log(Ops.Subtract(one, p)))));
        }
        return Ops.Mean(perElement, -1);
    }

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static BinaryCrossentropy FromConfig(JsonObject config) => new(Cfg.Bool(config, "from_logits", false));
}
