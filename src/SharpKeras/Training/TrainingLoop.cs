using SharpKeras.Callbacks;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>Fit, Evaluate and Predict for every model: batching, the train step, metrics and callbacks.</summary>
internal static class TrainingLoop
{
    public static History Fit(Model model, Tensor x, Tensor y, int batchSize, int epochs, int verbose, double validationSplit,
        (Tensor X, Tensor Y)? validationData, bool shuffle, int? seed, IEnumerable<Callback>? callbacks)
    {
        RequireCompiled(model, "Fit");
        CheckPositive(batchSize, nameof(batchSize));
        CheckPositive(epochs, nameof(epochs));
        if (!(validationSplit >= 0 && validationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, $"validationSplit must be in [0, 1), got {validationSplit}.");
        }
        CheckSamples(x, y, "x", "y");
        if (validationData is { } vd)
        {
            CheckSamples(vd.X, vd.Y, "validationData.X", "validationData.Y");
        }
        else if (validationSplit > 0)
        {
            // As Keras: the last fraction of the samples, taken before any shuffling.
            int n = x.Shape[0];
            int splitAt = (int)Math.Floor(n * (1 - validationSplit));
            if (splitAt == 0 || splitAt == n)
            {
                throw new ArgumentException($"validationSplit {validationSplit} of {n} samples leaves {splitAt} for training and {n - splitAt} for validation; both need at least one.", nameof(validationSplit));
            }
            validationData = (x.Slice(splitAt, n - splitAt), y.Slice(splitAt, n - splitAt));
            x = x.Slice(0, splitAt);
            y = y.Slice(0, splitAt);
        }

        int samples = x.Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var all = PrepareCallbacks(model, callbacks, verbose, epochs, steps, out var history);

        var rng = SeedGenerator.FromSeed(seed);
        var order = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            order[i] = i;
        }
        var lossTracker = new Mean("loss");
        Metric[]? metrics = null;
        model.StopTraining = false;
        var epochLogs = new Dictionary<string, double>();
        // One dictionary for every batch's logs, updated in place (callbacks read it during the call).
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
            lossTracker.ResetState();
            if (metrics is not null)
            {
                foreach (var m in metrics)
                {
                    m.ResetState();
                }
            }
            if (shuffle)
            {
                rng.Shuffle(order);
            }
            for (int step = 0; step < steps && !model.StopTraining; step++)
            {
                int start = step * batchSize;
                int count = Math.Min(batchSize, samples - start);
                var plan = TrainStepPlan.For(model, x, y, count);
                if (shuffle)
                {
                    plan.LoadGather(x, y, order.AsSpan(start, count));
                }
                else
                {
                    plan.LoadSlice(x, y, start);
                }
                double loss = plan.Run();
                if (!double.IsFinite(loss))
                {
                    throw new NonFiniteLossException(loss, epoch + 1, step + 1);
                }
                metrics ??= ResolveMetrics(model, plan.Y, plan.Predictions);
                lossTracker.Update(loss, count);
                foreach (var m in metrics)
                {
                    m.UpdateState(plan.Y, plan.Predictions);
                }
                var logs = Logs(lossTracker, metrics, batchLogs);
                foreach (var c in all)
                {
                    c.OnTrainBatchEnd(step, logs);
                }
            }
            epochLogs = Logs(lossTracker, metrics ?? []);
            if (validationData is { } v)
            {
                foreach (var (k, val) in EvaluateCore(model, v.X, v.Y, batchSize, verbose: 0).Values)
                {
                    epochLogs["val_" + k] = val;
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

    /// <summary>The callbacks Fit drives: the user's, then the progress bar (when verbose), then History, each told the model and the run's parameters.</summary>
    internal static List<Callback> PrepareCallbacks(Model model, IEnumerable<Callback>? callbacks, int verbose, int epochs, int steps, out History history)
    {
        history = new History();
        var all = new List<Callback>();
        if (callbacks is not null)
        {
            all.AddRange(callbacks);
        }
        if (verbose > 0)
        {
            all.Add(new ProgbarLogger());
        }
        all.Add(history);
        var trainingParams = new TrainingParams(epochs, steps, verbose);
        foreach (var c in all)
        {
            c.Model = model;
            c.Params = trainingParams;
        }
        return all;
    }

    private static Metric[] ResolveMetrics(Model model, Tensor yTrue, Tensor yPred) =>
        model.MetricObjects is { } objs ? [.. objs] : [.. model.MetricNames.Select(n => Metric.Get(n, yTrue.Shape, yPred.Shape))];

    private static Dictionary<string, double> Logs(Mean loss, Metric[] metrics) => Logs(loss, metrics, new Dictionary<string, double>());

    private static Dictionary<string, double> Logs(Mean loss, Metric[] metrics, Dictionary<string, double> logs)
    {
        logs["loss"] = loss.Result();
        foreach (var m in metrics)
        {
            logs[m.Name] = m.Result();
        }
        return logs;
    }

    public static EvaluationResult Evaluate(Model model, Tensor x, Tensor y, int batchSize, int verbose)
    {
        RequireCompiled(model, "Evaluate");
        CheckPositive(batchSize, nameof(batchSize));
        CheckSamples(x, y, "x", "y");
        return EvaluateCore(model, x, y, batchSize, verbose);
    }

    private static EvaluationResult EvaluateCore(Model model, Tensor x, Tensor y, int batchSize, int verbose)
    {
        int samples = x.Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var lossTracker = new Mean("loss");
        Metric[]? metrics = null;
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null) : null;
        for (int step = 0; step < steps; step++)
        {
            int start = step * batchSize;
            int count = Math.Min(batchSize, samples - start);
            var plan = InferencePlan.For(model, x, y, count);
            plan.LoadSlice(x, y, start);
            plan.Run();
            var yb = plan.Y!;
            var yPred = plan.Predictions;
            double loss = plan.Loss!.Item();
            metrics ??= ResolveMetrics(model, yb, yPred);
            lossTracker.Update(loss, count);
            foreach (var m in metrics)
            {
                m.UpdateState(yb, yPred);
            }
            bar?.Update(step + 1, Logs(lossTracker, metrics));
        }
        return new EvaluationResult(Logs(lossTracker, metrics ?? []));
    }

    public static Tensor Predict(Model model, Tensor x, int batchSize, int verbose)
    {
        CheckPositive(batchSize, nameof(batchSize));
        if (x.Rank == 0)
        {
            throw new ArgumentException($"Predict needs inputs with a samples axis first, got a scalar.", nameof(x));
        }
        int samples = x.Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null) : null;
        Tensor? result = null;
        for (int step = 0; step < steps; step++)
        {
            int start = step * batchSize;
            int count = Math.Min(batchSize, samples - start);
            var plan = InferencePlan.For(model, x, null, count);
            plan.LoadSlice(x, null, start);
            plan.Run();
            var yb = plan.Predictions;
            result ??= Tensor.Zeros(yb.Shape.WithDim(0, samples));
            int row = yb.Length / Math.Max(1, count);
            yb.Span.CopyTo(result.Span.Slice(start * row, count * row));
            bar?.Update(step + 1);
        }
        return result ?? Tensor.Zeros(model.ComputeOutputShape(x.Shape));
    }

    public static IReadOnlyList<LayerTiming> ProfileTrainStep(Model model, Tensor x, Tensor y, int batchSize, int steps)
    {
        RequireCompiled(model, "ProfileTrainStep");
        CheckPositive(batchSize, nameof(batchSize));
        CheckPositive(steps, nameof(steps));
        CheckSamples(x, y, "x", "y");
        int count = Math.Min(batchSize, x.Shape[0]);
        int batches = Math.Max(1, x.Shape[0] / count);
        var times = new Dictionary<string, (long Forward, long Backward)>();
        for (int s = 0; s <= steps; s++)
        {
            var plan = TrainStepPlan.For(model, x, y, count);
            plan.LoadSlice(x, y, s % batches * count);
            // Step 0 records the plan (and JIT-compiles); it is not counted.
            if (s == 0)
            {
                plan.Run();
                plan.Run();
                continue;
            }
            plan.RunProfiled(times);
        }
        double scale = 1.0 / (System.Diagnostics.Stopwatch.Frequency * (double)steps);
        return [.. times.Select(kv => new LayerTiming(kv.Key, kv.Value.Forward * scale, kv.Value.Backward * scale))];
    }

    private static void RequireCompiled(Model model, string method)
    {
        if (!model.Compiled)
        {
            throw new InvalidOperationException($"You must call Compile() on model '{model.Name}' before {method}(): for example model.Compile(optimizer: \"adam\", loss: \"sparse_categorical_crossentropy\", metrics: new[] {{ \"accuracy\" }}).");
        }
    }

    private static void CheckPositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1, got {value}.");
        }
    }

    private static void CheckSamples(Tensor x, Tensor y, string xName, string yName)
    {
        if (x.Rank == 0 || y.Rank == 0)
        {
            throw new ArgumentException($"{xName} and {yName} need a samples axis first; got shapes {x.Shape} and {y.Shape}.");
        }
        if (x.Shape[0] != y.Shape[0])
        {
            throw new ArgumentException($"{xName} and {yName} must have the same number of samples: {xName} has {x.Shape[0]} (shape {x.Shape}), {yName} has {y.Shape[0]} (shape {y.Shape}).");
        }
        if (x.Shape[0] == 0)
        {
            throw new ArgumentException($"{xName} has no samples (shape {x.Shape}).");
        }
    }
}
