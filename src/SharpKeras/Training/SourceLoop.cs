using SharpKeras.Callbacks;
using SharpKeras.Data;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Fit, Evaluate and Predict over a batch source (a PyDataset, an enumerable of batches): the same planned
/// train step, metrics and callbacks as the in-memory loop, with each batch copied into the plan's buffers.
/// Cancellation is checked between batches, so the weights are always those after a whole number of steps.
/// </summary>
internal static class SourceLoop
{
    /// <summary>Keras's warning when a generator ends before stepsPerEpoch * epochs batches.</summary>
    internal const string RanOutWarning = "WARNING: Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least `stepsPerEpoch * epochs` batches.";

    public static History Fit(Model model, IBatchSource train, int epochs, int verbose, IBatchSource? validation, IEnumerable<Callback>? callbacks, CancellationToken cancellationToken)
    {
        using var trainSource = train;
        using var validationSource = validation;
        RefuseDataParallel(model, "Fit", train);
        TrainingLoop.RequireCompiled(model, "Fit");
        if (epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"epochs must be >= 1, got {epochs}.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        using var usage = model.Usage.EnterTraining(model, "Fit");
        int? steps = train.Steps;
        // The progress bar needs the number of steps; a source of unknown length trains without one.
        var all = TrainingLoop.PrepareCallbacks(model, callbacks, steps is null ? 0 : verbose, epochs, steps ?? 0, out var history);
        var trainMetrics = new CompiledMetrics(model, model.OutputCount);
        var valMetrics = validation is null ? null : new CompiledMetrics(model, model.OutputCount);
        model.StopTraining = false;
        var epochLogs = new Dictionary<string, double>();
        var batchLogs = new Dictionary<string, double>();
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
            trainMetrics.Reset();
            train.BeginEpoch();
            int step = 0;
            for (; !model.StopTraining; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!train.TryNext(cancellationToken, out var batch))
                {
                    break;
                }
                var y = Targets(batch, train, step, "Fit");
                TrainingLoop.CheckData(model, batch.X, y, $"x of batch {step} of {train.Description}", $"y of batch {step} of {train.Description}");
                foreach (var c in all)
                {
                    c.OnTrainBatchBegin(step);
                }
                int count = batch.X[0].Shape[0];
                var weights = SampleWeights.Resolve(model, y, batch.SampleWeight, null, "Fit");
                var plan = TrainStepPlan.For(model, batch.X, y, weights, count);
                plan.LoadCopy(batch.X, y, weights);
                double loss = plan.Run();
                trainMetrics.Update(loss, plan.OutputLosses, plan.Y, plan.Predictions, count);
                trainMetrics.WriteLogs(batchLogs);
                foreach (var c in all)
                {
                    c.OnTrainBatchEnd(step, batchLogs);
                }
                if (!double.IsFinite(loss) && !model.StopTraining)
                {
                    throw new NonFiniteLossException(loss, epoch + 1, step + 1);
                }
            }
            train.EndEpoch();
            if (train is EnumerableSource { RanOut: true })
            {
                Console.WriteLine(RanOutWarning);
                model.StopTraining = true;
            }
            if (step == 0 && !model.StopTraining)
            {
                throw new InvalidOperationException($"{train.Description} gave no batches in epoch {epoch + 1}; Fit needs at least one batch per epoch.");
            }
            epochLogs = trainMetrics.WriteLogs(new Dictionary<string, double>());
            if (validation is not null)
            {
                foreach (var c in all)
                {
                    c.OnTestBegin();
                }
                RunEvaluation(model, validation, 0, valMetrics!, all, cancellationToken);
                valMetrics!.WriteLogs(epochLogs, "val_");
                var testLogs = valMetrics.WriteLogs(new Dictionary<string, double>());
                foreach (var c in all)
                {
                    c.OnTestEnd(testLogs);
                }
            }
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

    public static EvaluationResult Evaluate(Model model, IBatchSource source, int verbose, bool returnDict, CancellationToken cancellationToken)
    {
        using var owned = source;
        RefuseDataParallel(model, "Evaluate", source);
        TrainingLoop.RequireCompiled(model, "Evaluate");
        cancellationToken.ThrowIfCancellationRequested();
        using var usage = model.Usage.EnterInference(model, "Evaluate");
        var metrics = new CompiledMetrics(model, model.OutputCount);
        RunEvaluation(model, source, verbose, metrics, null, cancellationToken);
        return new EvaluationResult(metrics.WriteLogs(new Dictionary<string, double>()), returnDict);
    }

    private static void RunEvaluation(Model model, IBatchSource source, int verbose, CompiledMetrics metrics, List<Callback>? callbacks, CancellationToken cancellationToken)
    {
        // Metric objects given to Compile keep their running state themselves, so evaluations using them take turns.
        if (model.MetricObjects is { Count: > 0 })
        {
            lock (model.MetricGate)
            {
                EvaluateBatches(model, source, verbose, metrics, callbacks, cancellationToken);
            }
        }
        else
        {
            EvaluateBatches(model, source, verbose, metrics, callbacks, cancellationToken);
        }
    }

    private static void EvaluateBatches(Model model, IBatchSource source, int verbose, CompiledMetrics metrics, List<Callback>? callbacks, CancellationToken cancellationToken)
    {
        var batchLogs = callbacks is { Count: > 0 } && callbacks.Exists(c => c is not History and not ProgbarLogger) ? new Dictionary<string, double>() : null;
        metrics.Reset();
        var bar = verbose > 0 && source.Steps is { } n ? new Progbar(n, dynamic: verbose == 2 ? false : null) : null;
        source.BeginEpoch();
        int step = 0;
        for (; ; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!source.TryNext(cancellationToken, out var batch))
            {
                break;
            }
            var y = Targets(batch, source, step, "Evaluate");
            TrainingLoop.CheckData(model, batch.X, y, $"x of batch {step} of {source.Description}", $"y of batch {step} of {source.Description}");
            if (batchLogs is not null)
            {
                foreach (var c in callbacks!)
                {
                    c.OnTestBatchBegin(step);
                }
            }
            int count = batch.X[0].Shape[0];
            var weights = SampleWeights.Resolve(model, y, batch.SampleWeight, null, "Evaluate");
            var plan = model.InferencePlans.Rent(model, batch.X, y, weights, count);
            try
            {
                plan.LoadSlice(batch.X, y, weights, 0);
                plan.Run();
                metrics.Update(plan.Loss!.Item(), plan.OutputLosses, plan.Y!, plan.Predictions, count);
            }
            finally
            {
                model.InferencePlans.Return(plan);
            }
            if (batchLogs is not null)
            {
                metrics.WriteLogs(batchLogs);
                foreach (var c in callbacks!)
                {
                    c.OnTestBatchEnd(step, batchLogs);
                }
            }
            bar?.Update(step + 1, metrics.WriteLogs(new Dictionary<string, double>()));
        }
        source.EndEpoch();
        if (step == 0)
        {
            throw new InvalidOperationException($"{source.Description} gave no batches to evaluate.");
        }
    }

    public static Tensor[] Predict(Model model, IBatchSource source, int verbose, CancellationToken cancellationToken)
    {
        using var owned = source;
        RefuseDataParallel(model, "Predict", source);
        cancellationToken.ThrowIfCancellationRequested();
        using var usage = model.Usage.EnterInference(model, "Predict");
        var bar = verbose > 0 && source.Steps is { } n ? new Progbar(n, dynamic: verbose == 2 ? false : null) : null;
        var parts = new List<Tensor[]>();
        source.BeginEpoch();
        for (int step = 0; ; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!source.TryNext(cancellationToken, out var batch))
            {
                break;
            }
            var x = batch.X;
            if (x.Count != model.InputCount)
            {
                throw new ArgumentException($"Model '{model.Name}' has {model.InputCount} input(s) but batch {step} of {source.Description} has {x.Count} input tensors.");
            }
            int count = x[0].Rank == 0 ? 1 : x[0].Shape[0];
            var plan = model.InferencePlans.Rent(model, x, null, count);
            try
            {
                plan.LoadSlice(x, null, 0);
                plan.Run();
                // The plan's outputs are overwritten by the next batch: keep a copy.
                parts.Add([.. plan.Predictions.Select(p => p.Clone())]);
            }
            finally
            {
                model.InferencePlans.Return(plan);
            }
            bar?.Update(step + 1);
        }
        source.EndEpoch();
        if (parts.Count == 0)
        {
            throw new InvalidOperationException($"{source.Description} gave no batches to predict.");
        }
        return [.. Enumerable.Range(0, parts[0].Length).Select(k => Concatenate(parts.Select(p => p[k]).ToList()))];
    }

    /// <summary>
    /// A source hands each process whole batches of its own, with no global batch to split and no promise
    /// that every process gets as many, so the ranks could neither average their gradients nor stay in step.
    /// </summary>
    private static void RefuseDataParallel(Model model, string method, IBatchSource source)
    {
        if (Distribution.Distribution.GetDistribution() is { Communicator.Size: > 1 } distribution)
        {
            throw new NotSupportedException($"Model '{model.Name}': {method} over {source.Description} is not supported under {distribution.GetType().Name} " +
                $"({distribution.Communicator.Size} processes): pass arrays ({method}(x, y, batchSize: ...)) so that every process takes its shard of each global batch, or {method.ToLowerInvariant()} without a distribution.");
        }
    }

    /// <summary>Stacks batch outputs along the samples axis.</summary>
    private static Tensor Concatenate(List<Tensor> parts)
    {
        int rows = parts.Sum(p => p.Shape[0]);
        var result = Tensor.Zeros(parts[0].Shape.WithDim(0, rows));
        var dst = result.Span;
        int offset = 0;
        foreach (var p in parts)
        {
            p.Span.CopyTo(dst[offset..]);
            offset += p.Length;
        }
        return result;
    }

    private static IReadOnlyList<Tensor> Targets(Batch batch, IBatchSource source, int step, string method)
    {
        if (batch.Y is not { Count: > 0 } y)
        {
            throw new ArgumentException($"Batch {step} of {source.Description} has no targets; {method} needs (x, y) batches.");
        }
        return y;
    }
}
