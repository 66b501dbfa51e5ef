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

/// <summary>Weighted mean of values (<c>keras.metrics.Mean</c>); the trainer tracks the loss with it.</summary>
public sealed class Mean(string name = "mean") : Metric(name)
{
    private double _total;
    private double _count;

    /// <summary>Adds <paramref name="value"/> with <paramref name="weight"/> (the batch size for losses).</summary>
    public void Update(double value, double weight = 1)
    {
        _total += value * weight;
        _count += weight;
    }

    /// <summary>Adds the mean of <paramref name="yPred"/> weighted by its element count.</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => Update(Ops.Mean(yPred).Item(), yPred.Length);

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc/>
    public override void ResetState() => (_total, _count) = (0, 0);
}

/// <summary>Base of accuracies: the fraction of samples where a per-sample test passes.</summary>
public abstract class MeanAccuracy(string name) : Metric(name)
{
    private long _correct;
    private long _count;

    /// <summary>Counts (matches, samples) in one batch.</summary>
    protected abstract (long Correct, long Count) Matches(Tensor yTrue, Tensor yPred);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (c, n) = Matches(yTrue, yPred);
        _correct += c;
        _count += n;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : (double)_correct / _count;

    /// <inheritdoc/>
    public override void ResetState() => (_correct, _count) = (0, 0);

    /// <summary>Index of the largest value (the first on ties), as Keras's argmax.</summary>
    private protected static int ArgmaxRow(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }
        return best;
    }
}

/// <summary>How often argmax(prediction) equals an integer label (Keras's sparse_categorical_accuracy).</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanAccuracy(name)
{
    /// <inheritdoc/>
    protected override (long, long) Matches(Tensor yTrue, Tensor yPred)
    {
        var p = yPred.IsFloat ? yPred : yPred.Cast(DType.Float32);
        int classes = p.Shape[-1];
        int rows = p.Length / Math.Max(1, classes);
        var ps = p.Span;
        long correct = 0;
        for (int i = 0; i < rows; i++)
        {
            if (ArgmaxRow(ps.Slice(i * classes, classes)) == (int)yTrue.GetFloat(i))
            {
                correct++;
            }
        }
        return (correct, rows);
    }
}

/// <summary>How often argmax(prediction) equals argmax(one-hot label) (Keras's categorical_accuracy).</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : MeanAccuracy(name)
{
    /// <inheritdoc/>
    protected override (long, long) Matches(Tensor yTrue, Tensor yPred)
    {
        var p = yPred.IsFloat ? yPred : yPred.Cast(DType.Float32);
        var t = yTrue.IsFloat ? yTrue : yTrue.Cast(DType.Float32);
        int classes = p.Shape[-1];
        int rows = p.Length / Math.Max(1, classes);
        var ps = p.Span;
        var ts = t.Span;
        long correct = 0;
        for (int i = 0; i < rows; i++)
        {
            if (ArgmaxRow(ps.Slice(i * classes, classes)) == ArgmaxRow(ts.Slice(i * classes, classes)))
            {
                correct++;
            }
        }
        return (correct, rows);
    }
}

/// <summary>How often (prediction &gt; threshold) equals a 0/1 label (Keras's binary_accuracy).</summary>
public sealed class BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5) : MeanAccuracy(name)
{
    /// <summary>Predictions above it count as 1.</summary>
    public double Threshold => threshold;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["threshold"] = Threshold;
        return c;
    }

    /// <inheritdoc/>
    protected override (long, long) Matches(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Length != yPred.Length)
        {
            throw new ArgumentException($"{Name}: targets of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}.");
        }
        long correct = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            float pred = yPred.GetFloat(i) > threshold ? 1f : 0f;
            if (pred == yTrue.GetFloat(i))
            {
                correct++;
            }
        }
        return (correct, yPred.Length);
    }
}
