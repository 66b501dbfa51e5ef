using SharpKeras.Callbacks;
using SharpKeras.Distribution;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Fit, Evaluate and Predict for every model: batching, the planned train step, validation,
/// metrics and callbacks. Data is one array per model input and one target per output, in order;
/// a model with one input and one output is the one-element case.
/// </summary>
internal static class TrainingLoop
{
    public static History Fit(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int epochs, int verbose, double validationSplit,
        (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData, bool shuffle, int? seed, IEnumerable<Callback>? callbacks)
    {
        RequireCompiled(model, "Fit");
        CheckPositive(batchSize, nameof(batchSize));
        CheckPositive(epochs, nameof(epochs));
        if (!(validationSplit >= 0 && validationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, $"validationSplit must be in [0, 1), got {validationSplit}.");
        }
        CheckData(model, x, y, "x", "y");
        if (validationData is { } vd)
        {
            CheckData(model, vd.X, vd.Y, "validationData.X", "validationData.Y");
        }
        else if (validationSplit > 0)
        {
            // As Keras: the last fraction of the samples, taken before any shuffling.
            int n = x[0].Shape[0];
            int splitAt = (int)Math.Floor(n * (1 - validationSplit));
            if (splitAt == 0 || splitAt == n)
            {
                throw new ArgumentException($"validationSplit {validationSplit} of {n} samples leaves {splitAt} for training and {n - splitAt} for validation; both need at least one.", nameof(validationSplit));
            }
            validationData = ([.. x.Select(t => t.Slice(splitAt, n - splitAt))], [.. y.Select(t => t.Slice(splitAt, n - splitAt))]);
            x = [.. x.Select(t => t.Slice(0, splitAt))];
            y = [.. y.Select(t => t.Slice(0, splitAt))];
        }

        using var usage = model.Usage.EnterTraining(model, "Fit");
        int samples = x[0].Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        // Data parallelism: this rank trains on its shard of every global batch (see Distribution/DataParallelContext).
        var dp = DataParallelContext.Current();
        if (dp is not null && batchSize < dp.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize is the global batch, split across the {dp.Size} processes of the job; it must be at least {dp.Size}, got {batchSize}.");
        }
        var all = PrepareCallbacks(model, callbacks, verbose, epochs, steps, out var history);
        all = dp?.ChiefOnly(all) ?? all;

        var rng = SeedGenerator.FromSeed(dp is null ? seed : dp.AgreeOnSeed(seed));
        var order = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            order[i] = i;
        }
        var trainMetrics = new CompiledMetrics(model, y.Count);
        var valMetrics = validationData is null ? null : new CompiledMetrics(model, y.Count);
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
            trainMetrics.Reset();
            if (shuffle)
            {
                rng.Shuffle(order);
            }
            for (int step = 0; step < steps && !model.StopTraining; step++)
            {
                foreach (var c in all)
                {
                    c.OnTrainBatchBegin(step);
                }
                int globalStart = step * batchSize;
                int globalCount = Math.Min(batchSize, samples - globalStart);
                var (start, count) = dp?.Shard(globalStart, globalCount) ?? (globalStart, globalCount);
                double loss;
                if (count > 0)
                {
                    var plan = TrainStepPlan.For(model, x, y, count);
                    dp?.SyncInitialWeights(model);
                    if (shuffle)
                    {
                        plan.LoadGather(x, y, order.AsSpan(start, count));
                    }
                    else
                    {
                        plan.LoadSlice(x, y, start);
                    }
                    loss = plan.Run(dp, globalCount);
                    trainMetrics.Update(loss, plan.OutputLosses, plan.Y, plan.Predictions, count);
                }
                else
                {
                    loss = dp!.StepWithoutSamples(model, globalCount);
                }
                loss = dp?.LastGlobalLoss ?? loss;
                if (dp is null)
                {
                    trainMetrics.WriteLogs(batchLogs);
                }
                else
                {
                    dp.WriteGlobalLogs(trainMetrics, batchLogs);
                }
                foreach (var c in all)
                {
                    c.OnTrainBatchEnd(step, batchLogs);
                }
                // A TerminateOnNaN callback ends training quietly, as Keras's does; without one the
                // non-finite loss is an error rather than a run that silently trains on NaN.
                if (!double.IsFinite(loss) && !model.StopTraining)
                {
                    throw new NonFiniteLossException(loss, epoch + 1, step + 1);
                }
            }
            epochLogs = dp?.WriteGlobalLogs(trainMetrics, new Dictionary<string, double>()) ?? trainMetrics.WriteLogs(new Dictionary<string, double>());
            if (validationData is { } v)
            {
                foreach (var c in all)
                {
                    c.OnTestBegin();
                }
                EvaluateSharded(model, v.X, v.Y, batchSize, verbose: 0, valMetrics!, all, dp);
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

    public static EvaluationResult Evaluate(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int verbose, bool returnDict = false)
    {
        RequireCompiled(model, "Evaluate");
        CheckPositive(batchSize, nameof(batchSize));
        CheckData(model, x, y, "x", "y");
        using var usage = model.Usage.EnterInference(model, "Evaluate");
        var metrics = new CompiledMetrics(model, y.Count);
        EvaluateSharded(model, x, y, batchSize, verbose, metrics, null, DataParallelContext.Current());
        return new EvaluationResult(metrics.WriteLogs(new Dictionary<string, double>()), returnDict);
    }

    /// <summary>
    /// Evaluation, split under data parallelism: each rank evaluates a contiguous share of the samples in
    /// batches of its share of the global batch, and the metric states are summed so every rank holds the global result.
    /// </summary>
    private static void EvaluateSharded(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int verbose, CompiledMetrics metrics, List<Callback>? callbacks, DataParallelContext? dp)
    {
        int samples = x[0].Shape[0];
        // Fewer samples than ranks: every rank evaluates them all, which gives the same result everywhere.
        if (dp is null || samples < dp.Size)
        {
            EvaluateCore(model, x, y, batchSize, dp is { Rank: > 0 } ? 0 : verbose, metrics, callbacks);
            return;
        }
        var (start, count) = dp.Shard(0, samples);
        EvaluateCore(model, [.. x.Select(t => t.Slice(start, count))], [.. y.Select(t => t.Slice(start, count))],
            (batchSize + dp.Size - 1) / dp.Size, dp.Rank == 0 ? verbose : 0, metrics, callbacks);
        dp.ReduceInPlace(metrics);
    }

    private static void EvaluateCore(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int verbose, CompiledMetrics metrics, List<Callback>? callbacks = null)
    {
        // Metric objects given to Compile hold the running state themselves (as Keras's do), so
        // evaluations that use them take turns; identifiers get fresh metrics per call and run at once.
        if (model.MetricObjects is { Count: > 0 })
        {
            lock (model.MetricGate)
            {
                EvaluateBatches(model, x, y, batchSize, verbose, metrics, callbacks);
            }
        }
        else
        {
            EvaluateBatches(model, x, y, batchSize, verbose, metrics, callbacks);
        }
    }

    private static void EvaluateBatches(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int verbose, CompiledMetrics metrics, List<Callback>? callbacks)
    {
        // Batch logs only when a user callback can read them, so Fit's validation stays allocation-free without one.
        var batchLogs = callbacks is { Count: > 0 } && callbacks.Exists(c => c is not History and not ProgbarLogger) ? new Dictionary<string, double>() : null;
        metrics.Reset();
        int samples = x[0].Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null) : null;
        for (int step = 0; step < steps; step++)
        {
            int start = step * batchSize;
            int count = Math.Min(batchSize, samples - start);
            if (batchLogs is not null)
            {
                foreach (var c in callbacks!)
                {
                    c.OnTestBatchBegin(step);
                }
            }
            var plan = model.InferencePlans.Rent(model, x, y, count);
            try
            {
                plan.LoadSlice(x, y, start);
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
    }

    public static Tensor[] Predict(Model model, IReadOnlyList<Tensor> x, int batchSize, int verbose, string method = "Predict")
    {
        CheckPositive(batchSize, nameof(batchSize));
        CheckInputs(model, x, "x");
        using var usage = model.Usage.EnterInference(model, method);
        if (DataParallelContext.Current() is { } dp && x[0].Shape[0] >= dp.Size && method == "Predict")
        {
            // Each rank predicts a contiguous share in batches of its share of the global batch; all gather the whole.
            var (start, count) = dp.Shard(0, x[0].Shape[0]);
            var local = PredictCore(model, [.. x.Select(t => t.Slice(start, count))], (batchSize + dp.Size - 1) / dp.Size, dp.Rank == 0 ? verbose : 0);
            return dp.Gather(local, x[0].Shape[0], count);
        }
        return PredictCore(model, x, batchSize, verbose);
    }

    private static Tensor[] PredictCore(Model model, IReadOnlyList<Tensor> x, int batchSize, int verbose)
    {
        int samples = x[0].Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null) : null;
        Tensor[]? result = null;
        for (int step = 0; step < steps; step++)
        {
            int start = step * batchSize;
            int count = Math.Min(batchSize, samples - start);
            var plan = model.InferencePlans.Rent(model, x, null, count);
            try
            {
                plan.LoadSlice(x, null, start);
                plan.Run();
                var outputs = plan.Predictions;
                result ??= [.. outputs.Select(o => Tensor.Zeros(o.Shape.WithDim(0, samples)))];
                for (int k = 0; k < outputs.Length; k++)
                {
                    int row = outputs[k].Length / Math.Max(1, count);
                    outputs[k].Span.CopyTo(result[k].Span.Slice(start * row, count * row));
                }
            }
            finally
            {
                model.InferencePlans.Return(plan);
            }
            bar?.Update(step + 1);
        }
        return result ?? EmptyOutputs(model, x);
    }

    /// <summary>The outputs of a prediction on zero samples: empty arrays of the output shapes.</summary>
    private static Tensor[] EmptyOutputs(Model model, IReadOnlyList<Tensor> x) => model.Outputs.Count > 0
        ? [.. model.Outputs.Select(o => Tensor.Zeros(o.Shape.WithDim(0, 0)))]
        : [Tensor.Zeros(model.ComputeOutputShape(x[0].Shape))];

    public static IReadOnlyList<LayerTiming> ProfileTrainStep(Model model, Tensor x, Tensor y, int batchSize, int steps)
    {
        RequireCompiled(model, "ProfileTrainStep");
        CheckPositive(batchSize, nameof(batchSize));
        CheckPositive(steps, nameof(steps));
        CheckData(model, [x], [y], "x", "y");
        using var usage = model.Usage.EnterTraining(model, "ProfileTrainStep");
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

    internal static void RequireCompiled(Model model, string method)
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

    /// <summary>The name of array <paramref name="k"/> of a list: "x" for a single array, "x[1]" otherwise.</summary>
    private static string Name(string list, int k, int count) => count == 1 ? list : $"{list}[{k}]";

    private static void CheckInputs(Model model, IReadOnlyList<Tensor> x, string xName)
    {
        ArgumentNullException.ThrowIfNull(x, xName);
        if (x.Count != model.InputCount)
        {
            throw new ArgumentException($"Model '{model.Name}' has {model.InputCount} input(s) but {x.Count} arrays were given as {xName}; pass one array per input, in order.");
        }
        for (int k = 0; k < x.Count; k++)
        {
            ArgumentNullException.ThrowIfNull(x[k], Name(xName, k, x.Count));
            if (x[k].Rank == 0)
            {
                throw new ArgumentException($"{Name(xName, k, x.Count)} needs a samples axis first, got a scalar.");
            }
            if (x[k].Shape[0] != x[0].Shape[0])
            {
                throw new ArgumentException($"All inputs must have the same number of samples on their first axis; got shapes {string.Join(", ", x.Select(t => t.Shape.ToString()))}.");
            }
        }
    }

    internal static void CheckData(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, string xName, string yName)
    {
        CheckInputs(model, x, xName);
        ArgumentNullException.ThrowIfNull(y, yName);
        if (y.Count != model.OutputCount)
        {
            throw new ArgumentException($"Model '{model.Name}' has {model.OutputCount} output(s) but {y.Count} target arrays were given as {yName}; pass one per output, in order.");
        }
        for (int k = 0; k < y.Count; k++)
        {
            ArgumentNullException.ThrowIfNull(y[k], Name(yName, k, y.Count));
            string xk = Name(xName, 0, x.Count), yk = Name(yName, k, y.Count);
            if (y[k].Rank == 0)
            {
                throw new ArgumentException($"{xk} and {yk} need a samples axis first; got shapes {x[0].Shape} and {y[k].Shape}.");
            }
            if (x[0].Shape[0] != y[k].Shape[0])
            {
                throw new ArgumentException($"{xk} and {yk} must have the same number of samples: {xk} has {x[0].Shape[0]} (shape {x[0].Shape}), {yk} has {y[k].Shape[0]} (shape {y[k].Shape}).");
            }
        }
        if (x[0].Shape[0] == 0)
        {
            throw new ArgumentException($"{Name(xName, 0, x.Count)} has no samples (shape {x[0].Shape}).");
        }
    }
}
