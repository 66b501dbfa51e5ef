using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Losses;

/// <summary>
/// Base of losses (<c>keras.losses.Loss</c>): <see cref="Call"/> gives one value per sample and
/// <see cref="Compute"/> (Keras's <c>__call__</c>) weights them by the sample weights and reduces
/// them as <see cref="Reduction"/> says. Strings such as "sparse_categorical_crossentropy" convert
/// to it implicitly.
/// </summary>
public abstract class Loss
{
    /// <summary>Keras's fuzz factor: probabilities are clipped to [Epsilon, 1 - Epsilon] before a log.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>The reductions Keras 3.11 accepts ("none" and null leave the per-sample values).</summary>
    public static IReadOnlyList<string?> Reductions { get; } = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", null];

    /// <summary>Creates a loss with its Keras name and reduction.</summary>
    protected Loss(string name, string? reduction = "sum_over_batch_size")
    {
        if (!Reductions.Contains(reduction))
        {
            throw new ArgumentException($"Loss '{name}': invalid reduction '{reduction}'; expected one of sum_over_batch_size, sum, mean, mean_with_sample_weight, none or null.", nameof(reduction));
        }
        Name = name;
        Reduction = reduction;
    }

    /// <summary>The loss's name (Keras's snake_case function name).</summary>
    public string Name { get; }

    /// <summary>How <see cref="Compute"/> reduces the weighted per-sample values (Keras's <c>reduction</c>).</summary>
    public string? Reduction { get; }

    /// <summary>Keras's class name written to configs ("SparseCategoricalCrossentropy", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The loss's configuration (Keras's <c>get_config</c>).</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["reduction"] = Reduction };

    /// <summary>The identifiers <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "binary_crossentropy", "bce", "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
        "categorical_generalized_cross_entropy", "categorical_hinge", "cosine_similarity", "dice", "hinge", "huber", "huber_loss",
        "kl_divergence", "kld", "log_cosh", "mean_absolute_error", "mae", "mean_absolute_percentage_error", "mape",
        "mean_squared_error", "mse", "mean_squared_logarithmic_error", "msle", "poisson", "sparse_categorical_crossentropy",
        "squared_hinge", "tversky",
    ];

    /// <summary>Per-sample losses (shape: yPred's without its last axis).</summary>
    public abstract Tensor Call(Tensor yTrue, Tensor yPred);

    /// <summary>The loss as Keras's <c>loss(y_true, y_pred, sample_weight)</c>: per-sample values, weighted, then reduced.</summary>
    public virtual Tensor Compute(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => Reduce(Call(yTrue, yPred), sampleWeight);

    /// <summary>Keras's reduce_weighted_values: multiplies by the sample weights and applies <see cref="Reduction"/>.</summary>
    protected Tensor Reduce(Tensor values, Tensor? sampleWeight)
    {
        if (sampleWeight is not null)
        {
            var w = sampleWeight.IsFloat ? sampleWeight : Ops.Cast(sampleWeight, DType.Float32);
            if (w.Length == values.Length && w.Shape != values.Shape && values.Rank > 0)
            {
                w = Ops.Reshape(w, values.Shape.ToArray());
            }
            else if (w.Length != values.Length && values.Rank > 0 && (w.Rank > values.Rank || w.Shape[0] != values.Shape[0]))
            {
                throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match per-sample losses of shape {values.Shape}; give one weight per sample.", nameof(sampleWeight));
            }
            values = Ops.Multiply(values, w);
            sampleWeight = w;
        }
        if (Reduction is null or "none" || values.Rank == 0 || values.Length == 0)
        {
            return values;
        }
        var sum = Ops.Sum(values);
        if (Reduction == "sum")
        {
            return sum;
        }
        // divide_no_nan: an all-zero weight sum gives 0, not NaN.
        if (Reduction == "mean_with_sample_weight" && sampleWeight is not null)
        {
            var total = Ops.Sum(sampleWeight);
            return Ops.Divide(sum, Ops.Add(total, Ops.StopGradient(Ops.Relu(Ops.Subtract(Tensor.Scalar(1f), LossFunctions.Min(Ops.Multiply(LossFunctions.Abs(total), Tensor.Scalar(1e30f)), 1))))));
        }
        return Ops.Divide(sum, Tensor.Scalar(values.Length));
    }

    /// <summary>The loss for a Keras identifier, or an error listing the valid ones.</summary>
    public static Loss Get(string name) => (name ?? throw new ArgumentNullException(nameof(name))) switch
    {
        "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(),
        "CategoricalCrossentropy" => new CategoricalCrossentropy(),
        "BinaryCrossentropy" => new BinaryCrossentropy(),
        "MeanSquaredError" => new MeanSquaredError(),
        "MeanAbsoluteError" => new MeanAbsoluteError(),
        "MeanAbsolutePercentageError" => new MeanAbsolutePercentageError(),
        "MeanSquaredLogarithmicError" => new MeanSquaredLogarithmicError(),
        "Huber" => new Huber(),
        "LogCosh" => new LogCosh(),
        "KLDivergence" => new KLDivergence(),
        "Poisson" => new Poisson(),
        "Hinge" => new Hinge(),
        "SquaredHinge" => new SquaredHinge(),
        "CategoricalHinge" => new CategoricalHinge(),
        "CosineSimilarity" => new CosineSimilarity(),
        "BinaryFocalCrossentropy" => new BinaryFocalCrossentropy(),
        "CategoricalFocalCrossentropy" => new CategoricalFocalCrossentropy(),
        "CategoricalGeneralizedCrossEntropy" => new CategoricalGeneralizedCrossEntropy(),
        "Dice" => new Dice(),
        "Tversky" => new Tversky(),
        _ => name.ToLowerInvariant() switch
        {
            "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
            "categorical_crossentropy" => new CategoricalCrossentropy(),
            "binary_crossentropy" or "bce" => new BinaryCrossentropy(),
            "mean_squared_error" or "mse" => new MeanSquaredError(),
            "mean_absolute_error" or "mae" => new MeanAbsoluteError(),
            "mean_absolute_percentage_error" or "mape" => new MeanAbsolutePercentageError(),
            "mean_squared_logarithmic_error" or "msle" => new MeanSquaredLogarithmicError(),
            "huber" or "huber_loss" => new Huber(),
            "log_cosh" => new LogCosh(),
            "kl_divergence" or "kld" => new KLDivergence(),
            "poisson" => new Poisson(),
            "hinge" => new Hinge(),
            "squared_hinge" => new SquaredHinge(),
            "categorical_hinge" => new CategoricalHinge(),
            "cosine_similarity" => new CosineSimilarity(),
            "binary_focal_crossentropy" => new BinaryFocalCrossentropy(),
            "categorical_focal_crossentropy" => new CategoricalFocalCrossentropy(),
            "categorical_generalized_cross_entropy" => new CategoricalGeneralizedCrossEntropy(),
            "dice" => new Dice(),
            "tversky" => new Tversky(),
            _ => throw new ArgumentException($"Unknown loss '{name}'. Valid losses: {string.Join(", ", Names)}.", nameof(name)),
        },
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

    /// <summary>The reduction from a config: "reduction" may be absent (the default), a string or null.</summary>
    protected static string? ReductionOf(JsonObject config) =>
        config.ContainsKey("reduction") ? config["reduction"] is null ? null : Cfg.String(config, "reduction") : "sum_over_batch_size";

    /// <summary>The name from a config, or the class's default.</summary>
    protected static string NameOf(JsonObject config, string fallback) => Cfg.OptionalString(config, "name") ?? fallback;

    /// <summary>Keras's categorical crossentropy on probabilities: normalise rows, clip, -sum(t * log p).</summary>
    private protected static Tensor CrossentropyOnProbabilities(Tensor oneHot, Tensor yPred)
    {
        var p = Ops.Divide(yPred, Ops.Sum(yPred, -1, keepDims: true));
        p = Ops.Clip(p, Epsilon, 1f - Epsilon);
        return Ops.Negative(Ops.Sum(Ops.Multiply(oneHot, Ops.Log(p)), -1));
    }
}
