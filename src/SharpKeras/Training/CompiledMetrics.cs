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
    private readonly Mean[] _outputLosses;
    private readonly string[] _outputLossKeys;
    private Metric[][]? _metrics;
    private string[][]? _metricKeys;

    public CompiledMetrics(Model model, int outputs)
    {
        _model = model;
        if (outputs > 1 && model.MetricObjects is { Count: > 0 })
        {
            // The objects hold one running state each; Keras takes one list per output for these.
            throw new NotSupportedException(
                $"Model '{model.Name}' has {outputs} outputs but was compiled with metric objects, which hold a single running state; " +
                "compile it with metric identifiers (for example [\"accuracy\"]) to get one metric per output.");
        }
        _outputLosses = outputs > 1 ? [.. Enumerable.Range(0, outputs).Select(k => new Mean(OutputName(k) + "_loss"))] : [];
        _outputLossKeys = [.. _outputLosses.Select(m => m.Name)];
    }

    private string OutputName(int k) => _model.Outputs.Count > k ? _model.Outputs[k].Layer.Name : $"output_{k}";

    /// <summary>Clears every running value (start of an epoch, or of an evaluation).</summary>
    public void Reset()
    {
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
        for (int k = 0; k < _outputLosses.Length; k++)
        {
            _outputLosses[k].Update(outputLosses[k].Item(), count);
        }
        if (y.Length == 0)
        {
            // Keras's fit(x) with the model's own loss: compiled metrics need targets, so only the loss is logged.
            return;
        }
        if (_metrics is null)
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

    private void Resolve(Tensor[] y, Tensor[] predictions)
    {
        bool multi = predictions.Length > 1;
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
        for (int k = 0; k < (_metrics?.Length ?? 0); k++)
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
