using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Crossentropy between integer labels and predicted class probabilities (or logits).</summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false, string? reduction = "sum_over_batch_size", string name = "sparse_categorical_crossentropy")
    : Loss(name, reduction), IKerasSerializable<SparseCategoricalCrossentropy>
{
    /// <summary>True when predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["from_logits"] = FromLogits;
        c["ignore_class"] = null;
        return c;
    }

    /// <summary>The reduced loss; the unweighted batch mean is one fused kernel (with the softmax before it, when there is one).</summary>
    public override Tensor Compute(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        if (sampleWeight is null && Reduction is "sum_over_batch_size" or "mean" or "mean_with_sample_weight")
        {
            CheckShapes(yTrue, yPred);
            return Ops.SparseCategoricalCrossentropy(yTrue, yPred, FromLogits, Name);
        }
        return base.Compute(yTrue, yPred, sampleWeight);
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
    public static SparseCategoricalCrossentropy FromConfig(JsonObject config)
    {
        if (config["ignore_class"] is not null)
        {
            throw new NotSupportedException($"SparseCategoricalCrossentropy: ignore_class={config["ignore_class"]!.ToJsonString()} is not supported yet; only ignore_class=null.");
        }
        return new(Cfg.Bool(config, "from_logits", false), ReductionOf(config), NameOf(config, "sparse_categorical_crossentropy"));
    }
}
