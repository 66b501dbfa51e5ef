using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Base of metrics (<c>keras.metrics.Metric</c>): state accumulated over batches with
/// <see cref="UpdateState(Tensor, Tensor)"/>, read with <see cref="Result"/>, cleared with <see cref="ResetState"/>.
/// </summary>
public abstract class Metric
{
    /// <summary>Creates a metric with the name logs and the progress bar show.</summary>
    protected Metric(string name) => Name = name;

    /// <summary>The name shown in logs ("accuracy", "loss", ...).</summary>
    public string Name { get; }

    /// <summary>Keras's class name written to configs ("SparseCategoricalAccuracy", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The metric's configuration (Keras's <c>get_config</c>).</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["dtype"] = "float32" };

    /// <summary>Accumulates one batch.</summary>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred);

    /// <summary>Accumulates one batch weighted by <paramref name="sampleWeight"/> (one weight per sample; null weighs all alike).</summary>
    public virtual void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (sampleWeight is not null)
        {
            throw new NotSupportedException($"Metric '{Name}' ({ClassName}) does not take sample weights.");
        }
        UpdateState(yTrue, yPred);
    }

    /// <summary>The current value.</summary>
    public abstract double Result();

    /// <summary>The current value as Keras's result() tensor: one element, or one per class or threshold for metrics that have several.</summary>
    public virtual double[] ResultValues() => [Result()];

    /// <summary>Clears the state (Keras resets metrics at the start of every epoch).</summary>
    public abstract void ResetState();

    /// <summary>How many numbers the running state has that sum across processes (Keras's metric variables, reduced by data-parallel training); 0 for a state that cannot be summed.</summary>
    internal virtual int StateLength => 0;

    /// <summary>Writes the running state into <paramref name="state"/> (<see cref="StateLength"/> numbers).</summary>
    internal virtual void GetState(Span<double> state)
    {
    }

    /// <summary>Replaces the running state by <paramref name="state"/> (<see cref="StateLength"/> numbers).</summary>
    internal virtual void SetState(ReadOnlySpan<double> state)
    {
    }


    private static readonly Dictionary<string, Func<string, Metric>> s_byName = BuildNames();

    private static Dictionary<string, Func<string, Metric>> BuildNames()
    {
        var d = new Dictionary<string, Func<string, Metric>>(StringComparer.Ordinal);
        void Add(string cls, string snake, Func<string, Metric> make)
        {
            d[cls] = make;
            d[snake] = make;
        }
        Add("BinaryAccuracy", "binary_accuracy", n => new BinaryAccuracy(n));
        Add("CategoricalAccuracy", "categorical_accuracy", n => new CategoricalAccuracy(n));
        Add("SparseCategoricalAccuracy", "sparse_categorical_accuracy", n => new SparseCategoricalAccuracy(n));
        Add("TopKCategoricalAccuracy", "top_k_categorical_accuracy", n => new TopKCategoricalAccuracy(name: n));
        Add("SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy", n => new SparseTopKCategoricalAccuracy(name: n));
        Add("MeanAbsoluteError", "mean_absolute_error", n => new MeanAbsoluteError(n));
        Add("MeanSquaredError", "mean_squared_error", n => new MeanSquaredError(n));
        Add("RootMeanSquaredError", "root_mean_squared_error", n => new RootMeanSquaredError(n));
        Add("MeanAbsolutePercentageError", "mean_absolute_percentage_error", n => new MeanAbsolutePercentageError(n));
        Add("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", n => new MeanSquaredLogarithmicError(n));
        Add("CosineSimilarity", "cosine_similarity", n => new CosineSimilarity(n));
        Add("LogCoshError", "log_cosh_error", n => new LogCoshError(n));
        Add("Hinge", "hinge", n => new Hinge(n));
        Add("SquaredHinge", "squared_hinge", n => new SquaredHinge(n));
        Add("CategoricalHinge", "categorical_hinge", n => new CategoricalHinge(n));
        Add("KLDivergence", "kl_divergence", n => new KLDivergence(n));
        Add("Poisson", "poisson", n => new Poisson(n));
        Add("Precision", "precision", n => new Precision(name: n));
        Add("Recall", "recall", n => new Recall(name: n));
        Add("AUC", "auc", n => new AUC(name: n));
        Add("TruePositives", "true_positives", n => new TruePositives(name: n));
        Add("FalsePositives", "false_positives", n => new FalsePositives(name: n));
        Add("TrueNegatives", "true_negatives", n => new TrueNegatives(name: n));
        Add("FalseNegatives", "false_negatives", n => new FalseNegatives(name: n));
        Add("F1Score", "f1_score", n => new F1Score(name: n));
        Add("FBetaScore", "f_beta_score", n => new FBetaScore(name: n));
        Add("R2Score", "r2_score", n => new R2Score(name: n));
        Add("BinaryCrossentropy", "binary_crossentropy", n => new BinaryCrossentropy(n));
        Add("CategoricalCrossentropy", "categorical_crossentropy", n => new CategoricalCrossentropy(n));
        Add("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", n => new SparseCategoricalCrossentropy(n));
        foreach (var (alias, target) in new[] { ("mae", "mean_absolute_error"), ("MAE", "mean_absolute_error"), ("mse", "mean_squared_error"),
            ("MSE", "mean_squared_error"), ("mape", "mean_absolute_percentage_error"), ("MAPE", "mean_absolute_percentage_error"),
            ("msle", "mean_squared_logarithmic_error"), ("MSLE", "mean_squared_logarithmic_error"),
            ("bce", "binary_crossentropy"), ("BCE", "binary_crossentropy") })
        {
            d[alias] = d[target];
        }
        return d;
    }

    /// <summary>The identifiers <see cref="Get(string)"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["acc", "accuracy", .. s_byName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// The metric for a Keras identifier, named by the identifier as Keras's compile names it
    /// ("mae" logs as "mae"). "accuracy"/"acc" is resolved as Keras 3 does, from the shapes of the
    /// targets and predictions: binary when predictions have one column, sparse categorical when
    /// targets have fewer dimensions (or one column against several), else categorical.
    /// </summary>
    public static Metric Get(string name, Shape yTrue, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.ToLowerInvariant() is "accuracy" or "acc")
        {
            bool isBinary = yPred[-1] == 1;
            bool isSparse = yTrue.Rank < yPred.Rank || (yTrue[-1] == 1 && yPred[-1] > 1);
            return isBinary ? new BinaryAccuracy(name) : isSparse ? new SparseCategoricalAccuracy(name) : new CategoricalAccuracy(name);
        }
        return Get(name);
    }

    /// <summary>The metric for a Keras identifier other than "accuracy" (which needs the data shapes), named by the identifier.</summary>
    public static Metric Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (s_byName.TryGetValue(name, out var make) || s_byName.TryGetValue(name.ToLowerInvariant(), out make))
        {
            return make(name);
        }
        throw new ArgumentException($"Unknown metric '{name}'. Valid metrics: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>Checks an identifier without resolving it (Compile does this before shapes are known).</summary>
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.ToLowerInvariant() is not ("accuracy" or "acc") && !s_byName.ContainsKey(name) && !s_byName.ContainsKey(name.ToLowerInvariant()))
        {
            throw new ArgumentException($"Unknown metric '{name}'. Valid metrics: {string.Join(", ", Names)}.", nameof(name));
        }
    }
}
