using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// The inference forward pass (and, for Evaluate, the loss) recorded once per batch shape and
/// replayed for every later batch: Predict and Evaluate then reuse the same buffers instead of
/// allocating each layer's output for every batch. A plan is used by one call at a time: callers
/// rent it from the model's <see cref="InferencePlanPool"/> and give it back when done.
/// </summary>
internal sealed class InferencePlan
{
    private readonly Model _model;
    private readonly Losses.Loss? _lossFn;
    private readonly IReadOnlyList<Losses.Loss>? _outputLosses;
    private GradientTape? _tape;

    private InferencePlan(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, Tensor? sampleWeight, int count, int generation)
    {
        _model = model;
        Stamp = new StructureStamp(model);
        Count = count;
        Generation = generation;
        // Views of the data's first rows: every batch rebinds them, so no buffer of their own is needed.
        X = [.. x.Select(t => t.Slice(0, count))];
        if (y is not null)
        {
            Y = [.. y.Select(t => t.Slice(0, count))];
            _lossFn = model.Loss;
            _outputLosses = model.OutputLosses;
            SampleWeight = sampleWeight?.Slice(0, count);
        }
    }

    /// <summary>The model's structure when the plan was made.</summary>
    public StructureStamp Stamp { get; }

    /// <summary>Samples per batch.</summary>
    public int Count { get; }

    /// <summary>The pool generation the plan was made in (a Compile in between retires it).</summary>
    public int Generation { get; }

    /// <summary>The input batch placeholders, one per model input.</summary>
    public Tensor[] X { get; }

    /// <summary>The target batch placeholders, one per output (Evaluate only).</summary>
    public Tensor[]? Y { get; }

    /// <summary>The model's outputs on the last batch.</summary>
    public Tensor[] Predictions { get; private set; } = [];

    /// <summary>The per-sample weight placeholder of an evaluation with sample weights, else null.</summary>
    public Tensor? SampleWeight { get; }

    /// <summary>The scalar total loss on the last batch (Evaluate only).</summary>
    public Tensor? Loss { get; private set; }

    /// <summary>The scalar loss of each output on the last batch (Evaluate only).</summary>
    public Tensor[] OutputLosses { get; private set; } = [];

    /// <summary>A new plan for batches of <paramref name="count"/> rows of x (and y when evaluating); recorded on its first run.</summary>
    public static InferencePlan Create(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, Tensor? sampleWeight, int count, int generation) =>
        new(model, x, y, sampleWeight, count, generation);

    /// <summary>True when this plan runs batches of <paramref name="count"/> rows of x (and y) for the model as compiled now.</summary>
    public bool Fits(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, Tensor? sampleWeight, int count) =>
        Count == count && Batches.SameSamples(X, x) && (SampleWeight is null) == (sampleWeight is null) && (y is null
            ? Y is null
            : Y is not null && Batches.SameSamples(Y, y) && ReferenceEquals(_lossFn, model.Loss) && ReferenceEquals(_outputLosses, model.OutputLosses));

    /// <summary>Points the placeholders at rows [start, start + count) of the data, without copying.</summary>
    public void LoadSlice(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, int start) => LoadSlice(x, y, null, start);

    /// <summary>Points the placeholders, the sample-weight one included, at rows [start, start + count) of the data.</summary>
    public void LoadSlice(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, Tensor? sampleWeight, int start)
    {
        SampleWeight?.RebindRows(sampleWeight!, start);
        Batches.RebindRows(X, x, start);
        if (y is not null)
        {
            Batches.RebindRows(Y!, y, start);
        }
    }

    /// <summary>Runs the forward pass (and loss) on the loaded batch.</summary>
    public void Run()
    {
        // Weights multiplied here are read from their packed copies (kept between calls).
        using var inference = InferenceWeights.Enter();
        if (_tape is { Replayable: true })
        {
            _tape.ReplayForward();
            return;
        }
        var tape = new GradientTape();
        using (tape)
        {
            foreach (var t in X)
            {
                tape.Watch(t);
            }
            // Weights too: anything computed from them (a slice of a kernel, a folded scale) must
            // be recomputed on replay, since training may have changed them since.
            foreach (var w in _model.Weights)
            {
                tape.Watch(w.Value);
            }
            foreach (var t in Y ?? [])
            {
                tape.Watch(t);
            }
            if (SampleWeight is not null)
            {
                tape.Watch(SampleWeight);
            }
            Predictions = Batches.CallModel(_model, X, training: false);
            if (Y is not null)
            {
                (Loss, OutputLosses) = _model.ComputeLossWithParts(X, Y, Predictions, SampleWeight, training: false);
            }
        }
        _tape = tape;
    }
}
