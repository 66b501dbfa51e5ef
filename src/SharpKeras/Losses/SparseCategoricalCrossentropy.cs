using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Crossentropy between integer labels and predicted class probabilities (or logits).</summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false) : Loss("sparse_categorical_crossentropy"), IKerasSerializable<SparseCategoricalCrossentropy>
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

    /// <summary>The batch mean, computed by one fused kernel (with the softmax before it, when there is one).</summary>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        CheckShapes(yTrue, yPred);
        return Ops.SparseCategoricalCrossentropy(yTrue, yPred, FromLogits, Name);
    }

    private Tensor CheckShapes(Tensor yTrue, Tensor yPred)
    {
        // Keras squeezes a trailing label axis of size 1: (N, 1) labels pair with (N, C) predictions.
        if (yTrue.Rank == yPred.Rank && yTrue.Shape[-1] == 1)
        {
            yTrue = yTrue.Reshape(yTrue.Shape.Dims[..^1].ToArray());
        }
        if (yTrue.Rank != yPred.Rank - 1 || !yTrue.Shape.Dims.SequenceEqual(yPred.Shape.Dims[..^1]))
        {
            throw new ArgumentException($"{Name}: integer labels of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}; expected labels of shape {new Shape(yPred.Shape.Dims[..^1].ToArray())}.");
        }
        return yTrue;
    }

    private void CheckLabels(Tensor yTrue, int classes)
    {
        for (int i = 0; i < yTrue.Length; i++)
        {
            float v = yTrue.GetFloat(i);
            if (!(v >= 0 && v < classes) || v != MathF.Floor(v))
            {
                throw new ArgumentOutOfRangeException(nameof(yTrue), $"{Name}: label {v} at index {i} is outside the valid range [0, {classes}) for predictions with {classes} classes.");
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        // Keras squeezes a trailing label axis of size 1: (N, 1) labels pair with (N, C) predictions.
        yTrue = CheckShapes(yTrue, yPred);
        int classes = yPred.Shape[-1];
        CheckLabels(yTrue, classes);
        var oneHot = Ops.OneHot(yTrue, classes);
        return FromLogits
            ? Ops.Negative(Ops.Sum(Ops.Multiply(oneHot, Ops.LogSoftmax(yPred)), -1))
            : CrossentropyOnProbabilities(oneHot, yPred);
    }

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static SparseCategoricalCrossentropy FromConfig(JsonObject config) => new(Cfg.Bool(config, "from_logits", false));
}
