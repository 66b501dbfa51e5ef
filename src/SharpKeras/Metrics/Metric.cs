using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Base of metrics (<c>keras.metrics.Metric</c>): state accumulated over batches with
/// <see cref="UpdateState"/>, read with <see cref="Result"/>, cleared with <see cref="ResetState"/>.
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

    /// <summary>The current value.</summary>
    public abstract double Result();

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

    /// <summary>The identifiers <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["acc", "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"];

    /// <summary>
    /// The metric for a Keras identifier. "accuracy"/"acc" is resolved as Keras 3 does, from the
    /// shapes of the targets and predictions: binary when predictions have one column, sparse
    /// categorical when targets have fewer dimensions (or one column against several), else categorical.
    /// </summary>
    public static Metric Get(string name, Shape yTrue, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name.ToLowerInvariant())
        {
            case "accuracy":
            case "acc":
                bool isBinary = yPred[-1] == 1;
                bool isSparse = yTrue.Rank < yPred.Rank || (yTrue[-1] == 1 && yPred[-1] > 1);
                return isBinary ? new BinaryAccuracy(name) : isSparse ? new SparseCategoricalAccuracy(name) : new CategoricalAccuracy(name);
            case "sparse_categorical_accuracy":
                return new SparseCategoricalAccuracy();
            case "categorical_accuracy":
                return new CategoricalAccuracy();
            case "binary_accuracy":
                return new BinaryAccuracy();
            default:
                throw new ArgumentException($"Unknown metric '{name}'. Valid metrics: {string.Join(", ", Names)}.", nameof(name));
        }
    }

    /// <summary>Checks an identifier without resolving it (Compile does this before shapes are known).</summary>
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.Contains(name.ToLowerInvariant()))
        {
            throw new ArgumentException($"Unknown metric '{name}'. Valid metrics: {string.Join(", ", Names)}.", nameof(name));
        }
    }
}
