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
