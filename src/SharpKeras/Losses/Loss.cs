using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>
/// Base of losses (<c>keras.losses.Loss</c>): <see cref="Call"/> gives one value per sample and
/// <see cref="Compute"/> reduces them with "sum_over_batch_size" (the mean). Strings such as
/// "sparse_categorical_crossentropy" convert to it implicitly.
/// </summary>
public abstract class Loss
{
    /// <summary>Keras's fuzz factor: probabilities are clipped to [Epsilon, 1 - Epsilon] before a log.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>Creates a loss with its Keras name.</summary>
    protected Loss(string name) => Name = name;

    /// <summary>The loss's name (Keras's snake_case function name).</summary>
    public string Name { get; }

    /// <summary>Keras's class name written to configs ("SparseCategoricalCrossentropy", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The loss's configuration (Keras's <c>get_config</c>).</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["reduction"] = "sum_over_batch_size" };

    /// <summary>The identifiers <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["binary_crossentropy", "categorical_crossentropy", "mean_squared_error", "mse", "sparse_categorical_crossentropy"];

    /// <summary>Per-sample losses (shape: yPred's without its last axis).</summary>
    public abstract Tensor Call(Tensor yTrue, Tensor yPred);

    /// <summary>The scalar loss: mean of the per-sample losses.</summary>
    public virtual Tensor Compute(Tensor yTrue, Tensor yPred) => Ops.Mean(Call(yTrue, yPred));

    /// <summary>The loss for a Keras identifier, or an error listing the valid ones.</summary>
    public static Loss Get(string name) => (name ?? throw new ArgumentNullException(nameof(name))).ToLowerInvariant() switch
    {
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "binary_crossentropy" => new BinaryCrossentropy(),
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        _ => throw new ArgumentException($"Unknown loss '{name}'. Valid losses: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Looks a Keras identifier up.</summary>
    public static implicit operator Loss(string name) => Get(name);

    /// <summary>Checks that labels and predictions have the same shape, naming the loss and both shapes.</summary>
    protected void CheckSameShape(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Shape != yPred.Shape)
        {
            throw new ArgumentException($"{Name}: targets of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}; they must have the same shape.");
        }
    }

    /// <summary>Keras's categorical crossentropy on probabilities: normalise rows, clip, -sum(t * log p).</summary>
    private protected static Tensor CrossentropyOnProbabilities(Tensor oneHot, Tensor yPred)
    {
        var p = Ops.Divide(yPred, Ops.Sum(yPred, -1, keepDims: true));
        p = Ops.Clip(p, Epsilon, 1f - Epsilon);
        return Ops.Negative(Ops.Sum(Ops.Multiply(oneHot, Ops.Log(p)), -1));
    }
}

/// <summary>Crossentropy between integer labels and predicted class probabilities (or logits).</summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false) : Loss("sparse_categorical_crossentropy")
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
}

/// <summary>Crossentropy between one-hot labels and predicted class probabilities (or logits).</summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false) : Loss("categorical_crossentropy")
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
}

/// <summary>Binary crossentropy, averaged over the last axis (Keras's binary_crossentropy).</summary>
public sealed class BinaryCrossentropy(bool fromLogits = false) : Loss("binary_crossentropy")
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
}

/// <summary>Mean of squared errors over the last axis (Keras's mean_squared_error).</summary>
public sealed class MeanSquaredError() : Loss("mean_squared_error")
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Rank == yPred.Rank - 1 && yPred.Shape[-1] == 1)
        {
            yTrue = yTrue.Reshape(yPred.Shape.ToArray());
        }
        CheckSameShape(yTrue, yPred);
        return Ops.Mean(Ops.Square(Ops.Subtract(yTrue, yPred)), -1);
    }
}
