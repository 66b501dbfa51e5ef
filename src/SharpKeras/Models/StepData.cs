namespace SharpKeras.Models;

/// <summary>
/// One batch handed to <see cref="Model.TrainStep"/>, <see cref="Model.TestStep"/> and <see cref="Model.PredictStep"/>
/// (Keras's <c>data</c> argument: <c>x</c>, or <c>(x, y)</c>, or <c>(x, y, sample_weight)</c>).
/// Deconstruct it as Keras unpacks it: <c>var (x, y) = data;</c>.
/// </summary>
/// <remarks>
/// Fit reuses one instance for every batch and cuts the batch out of the data only when a custom step
/// reads <see cref="Inputs"/> or <see cref="Targets"/>; the built-in steps load the rows straight into
/// their planned buffers, so the default path stays copy- and allocation-free.
/// </remarks>
public sealed class StepData
{
    private IReadOnlyList<Tensor> _srcX = [];
    private IReadOnlyList<Tensor> _srcY = [];
    private Tensor? _srcWeight;
    private int[]? _order;
    private Tensor[]? _inputs;
    private Tensor[]? _targets;
    private Tensor? _weight;
    private bool _weightCut;

    /// <summary>A batch of one input array, with optional targets and per-sample weights.</summary>
    public StepData(Tensor x, Tensor? y = null, Tensor? sampleWeight = null)
        : this([x ?? throw new ArgumentNullException(nameof(x))], y is null ? [] : [y], sampleWeight)
    {
    }

    /// <summary>A batch of one array per model input, one target per output (empty for none) and optional per-sample weights.</summary>
    public StepData(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? targets = null, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0 || inputs[0] is null || inputs[0].Rank == 0)
        {
            throw new ArgumentException("StepData needs at least one input array with a samples axis first.", nameof(inputs));
        }
        Load(inputs, targets ?? [], sampleWeight, null, 0, inputs[0].Shape[0]);
    }

    /// <summary>An empty batch that a training loop loads before each step.</summary>
    internal StepData()
    {
    }

    /// <summary>Points this batch at rows [start, start + count) of the data, or at <paramref name="order"/>[start..] when shuffled.</summary>
    internal void Load(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, int[]? order, int start, int count)
    {
        _srcX = x;
        _srcY = y;
        _srcWeight = sampleWeight;
        _order = order;
        Start = start;
        BatchSize = count;
        _inputs = null;
        _targets = null;
        _weight = null;
        _weightCut = false;
        LastLoss = null;
    }

    /// <summary>Number of samples in the batch.</summary>
    public int BatchSize { get; private set; }

    /// <summary>The batch of each model input (Keras's <c>x</c>).</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs ??= [.. _srcX.Select(Cut)];

    /// <summary>The batch of each target; empty when Fit was given no <c>y</c>.</summary>
    public IReadOnlyList<Tensor> Targets => _targets ??= [.. _srcY.Select(Cut)];

    /// <summary>The per-sample weights of the batch (from <c>sampleWeight</c> and <c>classWeight</c>), or null.</summary>
    public Tensor? SampleWeight
    {
        get
        {
            if (!_weightCut)
            {
                _weight = _srcWeight is null ? null : Cut(_srcWeight);
                _weightCut = true;
            }
            return _weight;
        }
    }

    /// <summary>The batch of the only input.</summary>
    public Tensor X => Inputs.Count == 1
        ? Inputs[0]
        : throw new InvalidOperationException($"This batch has {Inputs.Count} inputs; read them from Inputs.");

    /// <summary>The batch of the only target, or null when there are none.</summary>
    public Tensor? Y => Targets.Count switch
    {
        0 => null,
        1 => Targets[0],
        _ => throw new InvalidOperationException($"This batch has {Targets.Count} targets; read them from Targets."),
    };

    /// <summary>Unpacks the batch as Keras's <c>x, y = data</c>.</summary>
    public void Deconstruct(out Tensor x, out Tensor? y)
    {
        x = X;
        y = Y;
    }

    /// <summary>Unpacks the batch as Keras's <c>x, y, sample_weight = data</c>.</summary>
    public void Deconstruct(out Tensor x, out Tensor? y, out Tensor? sampleWeight)
    {
        x = X;
        y = Y;
        sampleWeight = SampleWeight;
    }

    private Tensor Cut(Tensor t)
    {
        if (_order is null)
        {
            return Start == 0 && BatchSize == t.Shape[0] ? t : t.Slice(Start, BatchSize);
        }
        var into = Tensor.NewLike(t.Shape.WithDim(0, BatchSize), t.DType);
        t.GatherInto(_order.AsSpan(Start, BatchSize), into);
        return into;
    }

    /// <summary>Hands a recorded custom step the plan's placeholders as its batch, so that its ops on them are recorded and replayed.</summary>
    internal void UsePlaceholders(Tensor[] inputs, Tensor[] targets, Tensor? sampleWeight)
    {
        _inputs = inputs;
        _targets = targets;
        _weight = sampleWeight;
        _weightCut = true;
    }

    // What the built-in steps read: the whole arrays and where the batch lies in them.
    internal IReadOnlyList<Tensor> SourceX => _srcX;

    internal IReadOnlyList<Tensor> SourceY => _srcY;

    internal Tensor? SourceWeight => _srcWeight;

    internal int[]? Order => _order;

    internal int Start { get; private set; }

    /// <summary>The running metrics the loop keeps for this call (null when a step is run by hand).</summary>
    internal Training.CompiledMetrics? Metrics { get; set; }

    /// <summary>The logs dictionary the built-in steps fill in place (one per loop, so steps allocate none).</summary>
    internal Dictionary<string, double> Logs { get; } = [];

    /// <summary>The loss of the latest built-in step on this batch (before the update), for the loop's non-finite check.</summary>
    internal double? LastLoss { get; set; }

    /// <summary>Output buffers of the built-in predict step, reused for every batch of the same size.</summary>
    internal Tensor[]? PredictBuffers { get; set; }

    // The caller's token, checked between batches of an evaluation.
    internal CancellationToken Cancellation { get; set; }

    // Data parallelism: the job this rank trains in and the global batch its shard belongs to.
    internal Distribution.DataParallelContext? DataParallel { get; private set; }

    internal int GlobalCount { get; private set; }

    // Set by the built-in TrainStep, so that a custom one under DataParallel is caught instead of training unsynchronised.
    internal bool BuiltInStepRan { get; set; }

    internal void Distribute(Distribution.DataParallelContext? dataParallel, int globalCount)
    {
        DataParallel = dataParallel;
        GlobalCount = globalCount;
    }
}
