using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// The running state behind one Fit epoch's or one Evaluate call's logs, as Keras's trainer keeps
/// it: the mean total loss ("loss"), each compiled metric per output, and for several outputs each
/// output's mean loss. Keras's names: with one output "loss", "accuracy"; with several "loss",
/// "&lt;output&gt;_loss", ..., "&lt;output&gt;_accuracy", ... (the output layer's name). Metrics are resolved
/// from the shapes of the first batch; updating and writing logs after that allocates nothing.
/// </summary>
internal sealed class CompiledMetrics
{
    private readonly Model _model;
    private readonly Mean _loss = new("loss");
    private Mean[] _outputLosses = [];
    private string[] _outputLossKeys = [];
    private Metric[][]? _metrics;
    private string[][]? _metricKeys;

    /// <summary>Empty states for <paramref name="model"/>; the per-output losses and the metrics are resolved from the first batch.</summary>
    public CompiledMetrics(Model model)
    {
        _model = model;
    }

    /// <summary>
    /// Every metric object, in Keras's <c>model.metrics</c> order: the loss tracker, the compiled metrics
    /// (once resolved from a batch), then each output's loss tracker.
    /// </summary>
    public IEnumerable<Metric> Objects
    {
        get
        {
            ResolveEarly();
            yield return _loss;
            foreach (var row in _metrics ?? [])
            {
                foreach (var m in row)
                {
                    yield return m;
                }
            }
            foreach (var m in _outputLosses)
            {
                yield return m;
            }
        }
    }

    /// <summary>True when <paramref name="metric"/> is one of these states (the loss tracker, a compiled metric or an output's loss tracker).</summary>
    public bool Owns(Metric metric)
    {
        foreach (var m in Objects)
        {
            if (ReferenceEquals(m, metric))
            {
                return true;
            }
        }
        return false;
    }

    private string OutputName(int k) => _model.Outputs.Count > k ? _model.Outputs[k].Layer.Name : $"output_{k}";

    /// <summary>Clears every running value (start of an epoch, or of an evaluation).</summary>
    public void Reset()
    {
        // Metric objects given to Compile are shared by every CompiledMetrics of the model (Fit's training and
        // validation states, Evaluate's), so they may hold another pass's counts before this one resolved them
        // from its first batch; attaching them now makes the reset below clear them.
        ResolveEarly();
        _loss.ResetState();
        foreach (var m in _outputLosses)
        {
            m.ResetState();
        }
        foreach (var row in _metrics ?? [])
        {
            foreach (var m in row)
            {
                m.ResetState();
            }
        }
    }

    /// <summary>Adds one batch of <paramref name="count"/> samples: its total loss, each output's loss tensor, targets and predictions.</summary>
    public void Update(double loss, Tensor[] outputLosses, Tensor[] y, Tensor[] predictions, int count)
    {
        _loss.Update(loss, count);
        if (outputLosses.Length > 1 && _outputLosses.Length != outputLosses.Length)
        {
            // Several outputs: each output's mean loss is logged too, as "<output>_loss".
            _outputLosses = [.. Enumerable.Range(0, outputLosses.Length).Select(k => new Mean(OutputName(k) + "_loss"))];
            _outputLossKeys = [.. _outputLosses.Select(m => m.Name)];
        }
        for (int k = 0; k < _outputLosses.Length; k++)
        {
            _outputLosses[k].Update(outputLosses[k].Item(), count);
        }
        if (y.Length == 0)
        {
            // Keras's fit(x) with the model's own loss: compiled metrics need targets, so only the loss is logged.
            return;
        }
        if (_metrics is null || !ResolvedFor(y, predictions))
        {
            Resolve(y, predictions);
        }
        for (int k = 0; k < predictions.Length; k++)
        {
            foreach (var m in _metrics![k])
            {
                m.UpdateState(y[k], predictions[k]);
            }
        }
    }

    // What "accuracy" was resolved from (the ranks and last axes of targets and predictions): the states are kept
    // across calls (Keras's model.metrics), so targets of another kind (one-hot after sparse) resolve them afresh.
    private int[] _resolvedKey = [];

    private bool ResolvedFor(Tensor[] y, Tensor[] predictions)
    {
        if (_resolvedKey.Length != 4 * predictions.Length)
        {
            return false;
        }
        for (int k = 0; k < predictions.Length; k++)
        {
            if (_resolvedKey[4 * k] != y[k].Rank || _resolvedKey[4 * k + 1] != LastSampleAxis(y[k])
                || _resolvedKey[4 * k + 2] != predictions[k].Rank || _resolvedKey[4 * k + 3] != LastSampleAxis(predictions[k]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Creates the compiled metric objects before any batch, as Keras's compile does, so that <c>model.Metrics</c> lists
    /// them for a custom TrainStep to update; "accuracy" picks its kind from the first update. The built-in steps
    /// resolve them from the data's shapes instead (<see cref="Resolve"/>), and only then are they logged.
    /// </summary>
    private void ResolveEarly()
    {
        if (_metrics is not null || (_model.MetricNames.Count == 0 && _model.MetricObjects is not { Count: > 0 }))
        {
            return;
        }
        int outputs = Math.Max(1, _model.OutputCount);
        if (outputs > 1 && _model.MetricObjects is { Count: > 0 })
        {
            // Left to the first batch, which explains why one state cannot serve several outputs.
            return;
        }
        _metrics = [.. Enumerable.Range(0, outputs).Select(_ => _model.MetricObjects is { } objects
            ? objects.ToArray()
            : _model.MetricNames.Select(n => n.ToLowerInvariant() is "accuracy" or "acc" ? new DeferredAccuracy(n) : Metric.Get(n)).ToArray())];
        _metricKeys = [.. _metrics.Select((row, k) => row.Select(m => outputs > 1 ? $"{OutputName(k)}_{m.Name}" : m.Name).ToArray())];
    }

    // The last axis of one sample: a batch of scalars (sparse labels) has none, and its batch size must not count.
    private static int LastSampleAxis(Tensor t) => t.Rank > 1 ? t.Shape[-1] : 1;

    private void Resolve(Tensor[] y, Tensor[] predictions)
    {
        _resolvedKey = new int[4 * predictions.Length];
        for (int k = 0; k < predictions.Length; k++)
        {
            (_resolvedKey[4 * k], _resolvedKey[4 * k + 1], _resolvedKey[4 * k + 2], _resolvedKey[4 * k + 3]) =
                (y[k].Rank, LastSampleAxis(y[k]), predictions[k].Rank, LastSampleAxis(predictions[k]));
        }
        bool multi = predictions.Length > 1;
        if (multi && _model.MetricObjects is { Count: > 0 })
        {
            // The objects hold one running state each; Keras takes one list per output for these.
            throw new NotSupportedException(
                $"Model '{_model.Name}' has {predictions.Length} outputs but was compiled with metric objects, which hold a single running state; " +
                "compile it with metric identifiers (for example [\"accuracy\"]) to get one metric per output.");
        }
        _metrics = [.. predictions.Select((p, k) => _model.MetricObjects is { } objects
            ? objects.ToArray()
            : _model.MetricNames.Select(n => Metric.Get(n, y[k].Shape, p.Shape)).ToArray())];
        _metricKeys = [.. _metrics.Select((row, k) => row.Select(m => multi ? $"{OutputName(k)}_{m.Name}" : m.Name).ToArray())];
    }

    /// <summary>How many numbers the running states of the loss, output losses and metrics hold together (data-parallel training sums them across processes).</summary>
    public int StateLength => _loss.StateLength + _outputLosses.Sum(m => m.StateLength) + (_metrics?.Sum(row => row.Sum(m => m.StateLength)) ?? 0);

    /// <summary>Writes every running state, in a fixed order, into <paramref name="state"/>.</summary>
    public void GetState(Span<double> state)
    {
        int at = 0;
        foreach (var m in States())
        {
            m.GetState(state.Slice(at, m.StateLength));
            at += m.StateLength;
        }
    }

    /// <summary>Replaces every running state by the numbers <see cref="GetState"/> wrote.</summary>
    public void SetState(ReadOnlySpan<double> state)
    {
        int at = 0;
        foreach (var m in States())
        {
            m.SetState(state.Slice(at, m.StateLength));
            at += m.StateLength;
        }
    }

    private IEnumerable<Metric> States()
    {
        yield return _loss;
        foreach (var m in _outputLosses)
        {
            yield return m;
        }
        foreach (var row in _metrics ?? [])
        {
            foreach (var m in row)
            {
                yield return m;
            }
        }
    }

    /// <summary>Writes the current values into <paramref name="logs"/> (keys prefixed with <paramref name="prefix"/>, "val_" for validation), loss, output losses, then metrics; returns it.</summary>
    public Dictionary<string, double> WriteLogs(Dictionary<string, double> logs, string prefix = "")
    {
        logs[prefix.Length == 0 ? "loss" : prefix + "loss"] = _loss.Result();
        for (int k = 0; k < _outputLosses.Length; k++)
        {
            logs[prefix.Length == 0 ? _outputLossKeys[k] : prefix + _outputLossKeys[k]] = _outputLosses[k].Result();
        }
        // Metrics made before any data (for a custom step to update) are logged once the built-in steps resolved them.
        for (int k = 0; _resolvedKey.Length > 0 && k < (_metrics?.Length ?? 0); k++)
        {
            for (int i = 0; i < _metrics![k].Length; i++)
            {
                var key = _metricKeys![k][i];
                logs[prefix.Length == 0 ? key : prefix + key] = _metrics[k][i].Result();
            }
        }
        return logs;
    }
}
