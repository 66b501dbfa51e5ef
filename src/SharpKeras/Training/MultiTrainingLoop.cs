using SharpKeras.Callbacks;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Fit, Evaluate and Predict for models with several inputs and/or outputs (lists of arrays, one per
/// model input and output, in order). The loss is the sum of the per-output losses times their
/// loss weights; logs hold "loss", "&lt;output&gt;_loss" and "&lt;output&gt;_&lt;metric&gt;" as Keras's.
/// </summary>
internal static class MultiTrainingLoop
{
    public static History Fit(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int epochs, int verbose,
        bool shuffle, int? seed, IEnumerable<Callback>? callbacks)
    {
        Check(model, x, y, "Fit");
        if (batchSize < 1 || epochs < 1)
        {
            throw new ArgumentOutOfRangeException(batchSize < 1 ? nameof(batchSize) : nameof(epochs), $"batchSize and epochs must be >= 1, got {batchSize} and {epochs}.");
        }
        int samples = x[0].Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var all = TrainingLoop.PrepareCallbacks(model, callbacks, verbose, epochs, steps, out var history);
        var rng = SeedGenerator.FromSeed(seed);
        var order = Enumerable.Range(0, samples).ToArray();
        var state = new State(model);
        model.StopTraining = false;
        IReadOnlyDictionary<string, double> epochLogs = new Dictionary<string, double>();
        foreach (var c in all)
        {
            c.OnTrainBegin();
        }
        for (int epoch = 0; epoch < epochs && !model.StopTraining; epoch++)
        {
            foreach (var c in all)
            {
                c.OnEpochBegin(epoch);
            }
            state.Reset();
            if (shuffle)
            {
                rng.Shuffle(order);
            }
            for (int step = 0; step < steps && !model.StopTraining; step++)
            {
                int start = step * batchSize;
                int count = Math.Min(batchSize, samples - start);
                var idx = order[start..(start + count)];
                Tensor[] xb = [.. x.Select(t => shuffle ? t.Gather(idx) : t.Slice(start, count))];
                Tensor[] yb = [.. y.Select(t => shuffle ? t.Gather(idx) : t.Slice(start, count))];
                var variables = model.TrainableWeights;
                double lossValue;
                Tensor[] preds;
                double[] parts;
                using (var tape = new GradientTape())
                {
                    foreach (var v in variables)
                    {
                        tape.Watch(v.Value);
                    }
                    preds = model.CallOutputs(xb, training: true);
                    var (loss, perOutput) = TotalLoss(model, yb, preds);
                    lossValue = loss.Item();
                    parts = perOutput;
                    if (!double.IsFinite(lossValue))
                    {
                        throw new NonFiniteLossException(lossValue, epoch + 1, step + 1);
                    }
                    var grads = tape.Gradient(loss, [.. variables.Select(v => v.Value)]);
                    model.Optimizer!.ApplyGradients(grads, variables);
                }
                state.Update(lossValue, parts, yb, preds, count);
                var logs = state.Logs();
                foreach (var c in all)
                {
                    c.OnTrainBatchEnd(step, logs);
                }
            }
            epochLogs = state.Logs();
            foreach (var c in all)
            {
                c.OnEpochEnd(epoch, epochLogs);
            }
        }
        foreach (var c in all)
        {
            c.OnTrainEnd(epochLogs);
        }
        return history;
    }

    public static EvaluationResult Evaluate(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int verbose)
    {
        Check(model, x, y, "Evaluate");
        int samples = x[0].Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var state = new State(model);
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null) : null;
        for (int step = 0; step < steps; step++)
        {
            int start = step * batchSize;
            int count = Math.Min(batchSize, samples - start);
            Tensor[] xb = [.. x.Select(t => t.Slice(start, count))];
            Tensor[] yb = [.. y.Select(t => t.Slice(start, count))];
            var preds = model.CallOutputs(xb, training: false);
            var (loss, parts) = TotalLoss(model, yb, preds);
            state.Update(loss.Item(), parts, yb, preds, count);
            bar?.Update(step + 1, state.Logs());
        }
        return new EvaluationResult(state.Logs());
    }

    public static Tensor[] Predict(Model model, IReadOnlyList<Tensor> x, int batchSize, int verbose)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be >= 1, got {batchSize}.");
        }
        CheckInputs(model, x);
        int samples = x[0].Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null) : null;
        Tensor[]? result = null;
        for (int step = 0; step < steps; step++)
        {
            int start = step * batchSize;
            int count = Math.Min(batchSize, samples - start);
            var outs = model.CallOutputs([.. x.Select(t => t.Slice(start, count))], training: false);
            result ??= [.. outs.Select(o => Tensor.Zeros(o.Shape.WithDim(0, samples)))];
            for (int k = 0; k < outs.Length; k++)
            {
                int row = outs[k].Length / Math.Max(1, count);
                outs[k].Span.CopyTo(result[k].Span.Slice(start * row, count * row));
            }
            bar?.Update(step + 1);
        }
        return result ?? [];
    }

    private static (Tensor Total, double[] PerOutput) TotalLoss(Model model, Tensor[] y, Tensor[] preds)
    {
        var losses = model.OutputLosses ?? [model.Loss!];
        Tensor? total = null;
        var parts = new double[preds.Length];
        for (int k = 0; k < preds.Length; k++)
        {
            var loss = losses.Count == 1 ? losses[0] : losses[k];
            var l = loss.Compute(y[k], preds[k]);
            parts[k] = l.Item();
            double w = model.LossWeights?[k] ?? 1.0;
            var weighted = w == 1.0 ? l : Ops.Multiply(l, Tensor.Scalar((float)w));
            total = total is null ? weighted : Ops.Add(total, weighted);
        }
        return (total!, parts);
    }

    private static void CheckInputs(Model model, IReadOnlyList<Tensor> x)
    {
        if (x.Count != model.InputCount)
        {
            throw new ArgumentException($"Model '{model.Name}' has {model.InputCount} input(s) but {x.Count} arrays were given; pass one array per input, in order.");
        }
        if (x.Any(t => t.Rank == 0) || x.Any(t => t.Shape[0] != x[0].Shape[0]))
        {
            throw new ArgumentException($"All inputs must have the same number of samples on their first axis; got shapes {string.Join(", ", x.Select(t => t.Shape.ToString()))}.");
        }
    }

    private static void Check(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, string method)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!model.Compiled)
        {
            throw new InvalidOperationException($"You must call Compile() on model '{model.Name}' before {method}().");
        }
        CheckInputs(model, x);
        if (y.Count != model.OutputCount)
        {
            throw new ArgumentException($"Model '{model.Name}' has {model.OutputCount} output(s) but {y.Count} target arrays were given; pass one per output, in order.");
        }
        if (y.Any(t => t.Rank == 0 || t.Shape[0] != x[0].Shape[0]))
        {
            throw new ArgumentException($"Targets must have as many samples as the inputs ({x[0].Shape[0]}); got shapes {string.Join(", ", y.Select(t => t.Shape.ToString()))}.");
        }
    }

    /// <summary>Running means of the losses and metric states of one epoch.</summary>
    private sealed class State(Model model)
    {
        private readonly Mean _loss = new("loss");
        private Mean[]? _parts;
        private Metric[][]? _metrics;

        private string OutputName(int k) => model.Outputs.Count > k ? model.Outputs[k].Layer.Name : $"output_{k}";

        public void Reset()
        {
            _loss.ResetState();
            foreach (var m in _parts ?? [])
            {
                m.ResetState();
            }
            foreach (var m in (_metrics ?? []).SelectMany(x => x))
            {
                m.ResetState();
            }
        }

        public void Update(double loss, double[] parts, Tensor[] y, Tensor[] preds, int count)
        {
            _loss.Update(loss, count);
            bool multi = preds.Length > 1;
            _parts ??= multi ? [.. parts.Select((_, k) => new Mean(OutputName(k) + "_loss"))] : [];
            for (int k = 0; k < _parts.Length; k++)
            {
                _parts[k].Update(parts[k], count);
            }
            _metrics ??= [.. preds.Select((p, k) => model.MetricObjects is { } objs
                ? objs.ToArray()
                : model.MetricNames.Select(n => Metric.Get(n, y[k].Shape, p.Shape)).ToArray())];
            for (int k = 0; k < preds.Length; k++)
            {
                foreach (var m in _metrics[k])
                {
                    m.UpdateState(y[k], preds[k]);
                }
            }
        }

        public Dictionary<string, double> Logs()
        {
            var logs = new Dictionary<string, double> { ["loss"] = _loss.Result() };
            foreach (var m in _parts ?? [])
            {
                logs[m.Name] = m.Result();
            }
            bool multi = (_metrics?.Length ?? 0) > 1;
            for (int k = 0; k < (_metrics?.Length ?? 0); k++)
            {
                foreach (var m in _metrics![k])
                {
                    logs[multi ? $"{OutputName(k)}_{m.Name}" : m.Name] = m.Result();
                }
            }
            return logs;
        }
    }
}
