namespace SharpKeras.Data;

/// <summary>
/// One batch from a data source (what Keras's <c>PyDataset.__getitem__</c> or a generator yields):
/// inputs, targets (absent for prediction) and optional per-sample weights, one tensor per model input and output.
/// </summary>
public sealed class Batch
{
    /// <summary>A batch for a model with one input and (when <paramref name="y"/> is given) one output.</summary>
    public Batch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null)
        : this([x ?? throw new ArgumentNullException(nameof(x))], y is null ? null : [y], sampleWeight)
    {
    }

    /// <summary>A batch for a model with several inputs and/or outputs (Keras's <c>([x1, x2], [y1, y2])</c>).</summary>
    public Batch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y = null, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one input tensor.", nameof(x));
        }
        X = x;
        Y = y;
        SampleWeight = sampleWeight;
    }

    /// <summary>The input tensors, one per model input; first axis = samples.</summary>
    public IReadOnlyList<Tensor> X { get; }

    /// <summary>The target tensors, one per model output; null for an inputs-only batch (prediction).</summary>
    public IReadOnlyList<Tensor>? Y { get; }

    /// <summary>Per-sample weights (Keras's third tuple element), or null.</summary>
    public Tensor? SampleWeight { get; }

    /// <summary>Number of samples in the batch (the first axis of the first input).</summary>
    public int Size => X[0].Rank == 0 ? 1 : X[0].Shape[0];

    /// <summary>An (x, y) tuple as a batch, as a Python <c>__getitem__</c> returns <c>(x, y)</c>.</summary>
    public static implicit operator Batch((Tensor X, Tensor Y) batch) => new(batch.X, batch.Y);

    /// <summary>An (x, y, sampleWeight) tuple as a batch.</summary>
    public static implicit operator Batch((Tensor X, Tensor Y, Tensor SampleWeight) batch) => new(batch.X, batch.Y, batch.SampleWeight);

    /// <summary>Inputs alone as a batch (for Predict).</summary>
    public static implicit operator Batch(Tensor x) => new(x);

    /// <summary>Splits the batch into inputs and targets (the targets' first tensor; null when there are none).</summary>
    public void Deconstruct(out Tensor x, out Tensor? y)
    {
        x = X[0];
        y = Y is { Count: > 0 } ? Y[0] : null;
    }
}
