using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Training;

/// <summary>
/// A custom <see cref="Model.TrainStep"/> recorded for a batch shape and replayed for every later batch of that shape,
/// as the built-in step is (<see cref="TrainStepPlan"/>): the first call runs the override with the batch in placeholder
/// tensors while a <see cref="StepRecorder"/> keeps what it did (ops, backward passes, optimizer and tracker updates);
/// later calls load the batch into the placeholders, run the program, and return the logs read from the same metrics
/// under the same keys. A step the recorder refuses, or whose logs are not metric results, stays eager for the model.
/// </summary>
internal sealed class CustomStepPlan
{
    private readonly Tensor[] _ownX;
    private readonly Tensor[] _ownY;
    private readonly Tensor? _ownWeight;
    private Action[] _program = [];
    private string[] _keys = [];
    private Metric[] _sources = [];
    private readonly Dictionary<string, double> _logs = new(StringComparer.Ordinal);
    private readonly int[] _rows;

    private CustomStepPlan(Model model, StepData data)
    {
        Optimizer = model.Optimizer!;
        Count = data.BatchSize;
        _rows = new int[Count];
        _ownX = [.. data.SourceX.Select(t => Tensor.NewLike(t.Shape.WithDim(0, Count), t.DType))];
        _ownY = [.. data.SourceY.Select(t => Tensor.NewLike(t.Shape.WithDim(0, Count), t.DType))];
        X = [.. _ownX.Select(t => t.View(t.Shape))];
        Y = [.. _ownY.Select(t => t.View(t.Shape))];
        if (data.SourceWeight is { } w)
        {
            _ownWeight = Tensor.NewLike(w.Shape.WithDim(0, Count), w.DType);
            SampleWeight = _ownWeight.View(_ownWeight.Shape);
        }
    }

    /// <summary>The model's structure after the recording.</summary>
    public StructureStamp Stamp { get; private set; } = null!;

    /// <summary>The optimizer the plan was recorded with.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Samples per batch.</summary>
    public int Count { get; }

    /// <summary>The input placeholders the step read as <see cref="StepData.Inputs"/>.</summary>
    public Tensor[] X { get; }

    /// <summary>The target placeholders the step read as <see cref="StepData.Targets"/>.</summary>
    public Tensor[] Y { get; }

    /// <summary>The per-sample weight placeholder, when the batches have weights.</summary>
    public Tensor? SampleWeight { get; }

    /// <summary>
    /// Runs one custom training step on the batch in <paramref name="data"/>: replayed when a recording of this batch
    /// shape exists, recorded now when the model may be replayed, else the override itself (run eagerly).
    /// </summary>
    public static IReadOnlyDictionary<string, double> TrainStep(Model model, StepData data)
    {
        if (model.RunEagerly || model.UsesBuiltInTrainStep || model.EagerTrainStepReason is not null || data.DataParallel is not null
            || !model.Compiled || data.BatchSize == 0)
        {
            return model.TrainStep(data);
        }
        var plans = model.CustomPlans;
        for (int i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            if (!ReferenceEquals(p.Optimizer, model.Optimizer) || !p.Stamp.Matches(model))
            {
                plans.Clear();
                break;
            }
            if (p.Fits(data))
            {
                p.Load(data);
                return p.Replay();
            }
        }
        var plan = new CustomStepPlan(model, data);
        var logs = plan.Record(model, data);
        if (plan._program.Length > 0)
        {
            // Batches of other sizes are rare (the last one of an epoch); keep a few plans at most.
            if (plans.Count >= 4)
            {
                plans.RemoveAt(0);
            }
            plans.Add(plan);
        }
        return logs;
    }

    private bool Fits(StepData data)
    {
        if (data.BatchSize != Count || (SampleWeight is null) != (data.SourceWeight is null) || X.Length != data.SourceX.Count || Y.Length != data.SourceY.Count)
        {
            return false;
        }
        if (!Batches.SameSamples(X, data.SourceX) || !Batches.SameSamples(Y, data.SourceY))
        {
            return false;
        }
        return SampleWeight is null || Batches.SameSamples(SampleWeight, data.SourceWeight!);
    }

    /// <summary>
    /// Copies the batch's rows into the plan's own buffers. Unlike the built-in plan's placeholders these are never pointed
    /// at the data instead: the C# of a custom step may have kept views of them (a Slice) that must see the new batch.
    /// </summary>
    private void Load(StepData data)
    {
        ReadOnlySpan<int> rows;
        if (data.Order is { } order)
        {
            rows = order.AsSpan(data.Start, Count);
        }
        else
        {
            for (int i = 0; i < Count; i++)
            {
                _rows[i] = data.Start + i;
            }
            rows = _rows;
        }
        Batches.GatherInto(X, _ownX, data.SourceX, rows);
        Batches.GatherInto(Y, _ownY, data.SourceY, rows);
        if (SampleWeight is not null)
        {
            SampleWeight.Rebind(_ownWeight!);
            data.SourceWeight!.GatherInto(rows, SampleWeight);
        }
    }

    /// <summary>Runs the override once on the placeholders under a recorder and keeps the program when it can be replayed.</summary>
    private IReadOnlyDictionary<string, double> Record(Model model, StepData data)
    {
        Load(data);
        data.UsePlaceholders(X, Y, SampleWeight);
        var metrics = model.Metrics;
        var before = metrics.Select(Snapshot).ToArray();
        var recorder = StepRecorder.Begin(model.Name, [.. X, .. Y, SampleWeight]);
        IReadOnlyDictionary<string, double> logs;
        try
        {
            logs = model.TrainStep(data);
        }
        finally
        {
            recorder.End();
        }
        if (recorder.BuiltInStepRan)
        {
            model.UsesBuiltInTrainStep = true;
            return logs;
        }
        string? refusal = recorder.Refusal ?? CheckMetrics(metrics, before, recorder.UpdatedMetrics) ?? MapLogs(logs, metrics, recorder.UpdatedMetrics);
        if (refusal is not null)
        {
            model.EagerTrainStepReason = recorder.Describe(refusal);
            return logs;
        }
        _program = recorder.Program;
        Stamp = new StructureStamp(model);
        return logs;
    }

    /// <summary>Runs the recorded program on the loaded batch; returns the logs, read from the metrics the step returned.</summary>
    private Dictionary<string, double> Replay()
    {
        foreach (var step in _program)
        {
            step();
        }
        for (int i = 0; i < _keys.Length; i++)
        {
            _logs[_keys[i]] = _sources[i].Result();
        }
        return _logs;
    }

    // A metric's running state (its summable numbers, else its result), to see which metrics the step changed.
    private static double[] Snapshot(Metric m)
    {
        var state = new double[m.StateLength + 1];
        m.GetState(state.AsSpan(0, m.StateLength));
        state[^1] = ResultOrNaN(m);
        return state;
    }

    // A user metric may refuse to give a result (before any update, say); that must not fail the step being recorded.
    private static double ResultOrNaN(Metric m)
    {
        try
        {
            return m.Result();
        }
        catch (InvalidOperationException)
        {
            return double.NaN;
        }
    }

    /// <summary>A metric listed by the model that the step changed other than by a recorded update cannot be replayed.</summary>
    private static string? CheckMetrics(IReadOnlyList<Metric> metrics, double[][] before, IReadOnlyCollection<Metric> updated)
    {
        var recorded = updated.ToHashSet(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < metrics.Count; i++)
        {
            if (!recorded.Contains(metrics[i]) && !Snapshot(metrics[i]).SequenceEqual(before[i]))
            {
                return $"it updated metric '{metrics[i].Name}' ({metrics[i].ClassName}) by a call the recording does not replay " +
                    "(only Mean.UpdateState(tensor) is recorded; UpdateState(yTrue, yPred) of other metrics runs eagerly)";
            }
        }
        return null;
    }

    /// <summary>
    /// Finds, for each log the step returned, the metric whose result it is: the one of that name when its result is the
    /// value, else the only one whose result is. A log that is no metric's result (a host value, a constant) cannot be replayed.
    /// </summary>
    private string? MapLogs(IReadOnlyDictionary<string, double> logs, IReadOnlyList<Metric> metrics, IReadOnlyCollection<Metric> updated)
    {
        var candidates = metrics.Concat(updated).Distinct(ReferenceEqualityComparer.Instance).Cast<Metric>().ToArray();
        var keys = new List<string>();
        var sources = new List<Metric>();
        foreach (var (key, value) in logs)
        {
            var same = candidates.Where(m => ResultOrNaN(m).Equals(value)).ToArray();
            var source = same.FirstOrDefault(m => m.Name == key) ?? (same.Length == 1 ? same[0] : null);
            if (source is null)
            {
                return same.Length == 0
                    ? $"the log '{key}' it returned ({value}) is not the result of a metric in Model.Metrics or updated in the step, so a replay could not compute it"
                    : $"the log '{key}' it returned ({value}) is the result of several metrics ({string.Join(", ", same.Select(m => m.Name))}) and none is named '{key}'";
            }
            keys.Add(key);
            sources.Add(source);
        }
        _keys = [.. keys];
        _sources = [.. sources];
        foreach (var k in _keys)
        {
            _logs[k] = 0;
        }
        return null;
    }
}
