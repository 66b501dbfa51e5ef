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
        (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData, bool shuffle, int? seed, IEnumerable<Callback>? callbacks,
        FitExtras? extras = null)
    {
        extras ??= FitExtras.None;
        RequireCompiled(model, "Fit");
        CheckPositive(batchSize, nameof(batchSize));
        CheckPositive(epochs, nameof(epochs));
        CheckFitExtras(extras, epochs);
        if (!(validationSplit >= 0 && validationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, $"validationSplit must be in [0, 1), got {validationSplit}.");
        }
        CheckData(model, x, y, "x", "y");
        var sampleWeight = SampleWeights.Resolve(model, y.Count > 0 ? y : x, extras.SampleWeight, extras.ClassWeight, "Fit");
        if (extras.ClassWeight is not null && y.Count == 0)
        {
            throw new ArgumentException($"Fit of model '{model.Name}': classWeight needs targets (y), but none were given.", "classWeight");
        }
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
            sampleWeight = sampleWeight?.Slice(0, splitAt);
        }

        using var usage = model.Usage.EnterTraining(model, "Fit");
        int samples = x[0].Shape[0];
        int batches = (samples + batchSize - 1) / batchSize;
        int steps = extras.StepsPerEpoch ?? batches;
        // Data parallelism: this rank trains on its shard of every global batch (see Distribution/DataParallelContext).
        var dp = DataParallelContext.Current();
        if (dp is not null && batchSize < dp.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize is the global batch, split across the {dp.Size} processes of the job; it must be at least {dp.Size}, got {batchSize}.");
        }
        var all = PrepareCallbacks(model, callbacks, verbose, epochs, steps, out var history);
        all = dp?.ChiefOnly(all) ?? all;

        // Every rank must shuffle alike, so that the shards of each global batch partition it.
        int shuffleSeed = dp is null ? seed ?? SeedGenerator.Global.NextInt() : dp.AgreeOnSeed(seed);
        var order = new int[samples];
        var trainMetrics = new CompiledMetrics(model, y.Count);
        var valMetrics = validationData is null ? null : new CompiledMetrics(model, validationData.Value.Y.Count);
        // One batch object for the whole run, reloaded per step; the built-in step fills its logs in place.
        var data = new StepData { Metrics = trainMetrics, Cancellation = extras.Cancellation };
        var valData = new StepData { Metrics = valMetrics, Cancellation = extras.Cancellation };
        // With stepsPerEpoch the pass over the data carries on across epochs, as Keras's epoch iterator does.
        int passStep = batches;
        int valCursor = 0;
        var entryCalls = new List<Layers.Layer>();
        bool checkTracking = true;
        model.StopTraining = false;
        var epochLogs = new Dictionary<string, double>();
        foreach (var c in all)
        {
            c.ResumeEpoch = null;
            c.OnTrainBegin();
        }
        int initialEpoch = extras.InitialEpoch;
        foreach (var c in all)
        {
            // BackupAndRestore tells where an interrupted run stopped (Keras's _initial_epoch).
            initialEpoch = Math.Max(initialEpoch, c.ResumeEpoch ?? 0);
        }
        for (int epoch = initialEpoch; epoch < epochs && !model.StopTraining; epoch++)
        {
            foreach (var c in all)
            {
                c.OnEpochBegin(epoch);
            }
            trainMetrics.Reset();
            model.ResetCustomMetrics();
            if (extras.StepsPerEpoch is null)
            {
                passStep = batches;
            }
            IReadOnlyDictionary<string, double>? logs = null;
            for (int step = 0; step < steps && !model.StopTraining; step++)
            {
                if (passStep >= batches)
                {
                    if (step > 0)
                    {
                        // The data ran out before stepsPerEpoch steps: the epoch ends here (Keras warns and interrupts).
                        break;
                    }
                    passStep = 0;
                    if (shuffle)
                    {
                        // Each pass's order comes from its own generator, seeded from the run's seed and the epoch, so
                        // epoch k is shuffled the same whether or not epochs before it ran in this process (a resumed run).
                        // Epoch 0 uses the seed itself, so its order is the one a single generator gave before.
                        for (int i = 0; i < samples; i++)
                        {
                            order[i] = i;
                        }
                        new SeedGenerator(unchecked(shuffleSeed + epoch * (int)0x9E3779B9)).Shuffle(order);
                    }
                }
                // Between batches only, so a cancelled Fit leaves the weights of its last whole step.
                extras.Cancellation.ThrowIfCancellationRequested();
                foreach (var c in all)
                {
                    c.OnTrainBatchBegin(step);
                }
                int globalStart = passStep * batchSize;
                int globalCount = Math.Min(batchSize, samples - globalStart);
                var (start, count) = dp?.Shard(globalStart, globalCount) ?? (globalStart, globalCount);
                passStep++;
                data.Load(x, y, sampleWeight, shuffle ? order : null, start, count);
                data.Distribute(dp, globalCount);
                logs = RunTrainStep(model, data, entryCalls, ref checkTracking);
                if (dp is not null && !data.BuiltInStepRan)
                {
                    throw new NotSupportedException($"Model '{model.Name}' overrides TrainStep, which DataParallel cannot synchronise (the built-in step averages the gradients across processes); train it without a distribution or use ComputeLoss instead.");
                }
                // The NaN check is a TerminateOnNaN among these (Fit adds a throwing one when none is given).
                foreach (var c in all)
                {
                    c.OnTrainBatchEnd(step, logs);
                }
            }
            if (passStep >= batches && extras.StepsPerEpoch is not null)
            {
                passStep = batches;
            }
            epochLogs = logs is null ? [] : new Dictionary<string, double>(logs);
            if (validationData is { } v && (epoch + 1) % extras.ValidationFreq == 0)
            {
                foreach (var c in all)
                {
                    c.OnTestBegin();
                }
                var testLogs = EvaluateSharded(model, v.X, v.Y, null, extras.ValidationBatchSize ?? batchSize, verbose: 0, valData, all,
                    extras.ValidationSteps, ref valCursor, dp);
                foreach (var (k, value) in testLogs)
                {
                    epochLogs["val_" + k] = value;
                }
                var endLogs = new Dictionary<string, double>(testLogs);
                foreach (var c in all)
                {
                    c.OnTestEnd(endLogs);
                }
            }
            foreach (var c in all)
            {
                c.OnEpochEnd(epoch, epochLogs);
            }
        }
        if (epochs > 0)
        {
            // Keras's finalize_variable_values: an EMA optimizer leaves the averaged weights after Fit.
            model.Optimizer!.FinalizeVariableValues(model.TrainableWeights);
        }
        foreach (var c in all)
        {
            c.OnTrainEnd(epochLogs);
        }
        return history;
    }

    /// <summary>
    /// The callbacks Fit drives: the user's, then the default NaN check (unless the user gave a TerminateOnNaN),
    /// the progress bar (when verbose), then History, each told the model and the run's parameters.
    /// </summary>
    internal static List<Callback> PrepareCallbacks(Model model, IEnumerable<Callback>? callbacks, int verbose, int epochs, int steps, out History history)
    {
        history = new History { BuiltIn = true };
        var all = UserCallbacks(callbacks);
        if (!all.Exists(c => c is TerminateOnNaN))
        {
            all.Add(new TerminateOnNaN(raiseError: true) { BuiltIn = true });
        }
        if (verbose > 0)
        {
            all.Add(new ProgbarLogger { BuiltIn = true });
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

    /// <summary>The callbacks given to a Fit, Evaluate or Predict call, checked for nulls.</summary>
    private static List<Callback> UserCallbacks(IEnumerable<Callback>? callbacks)
    {
        var list = callbacks is null ? [] : new List<Callback>(callbacks);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentNullException(nameof(callbacks), $"callbacks[{i}] is null.");
            }
        }
        return list;
    }

    /// <summary>The user's callbacks for an Evaluate or Predict call (Keras's CallbackList with epochs=1), told the model and parameters; null when none.</summary>
    private static List<Callback>? InferenceCallbacks(Model model, IEnumerable<Callback>? callbacks, int verbose, int samples, int batchSize)
    {
        var list = UserCallbacks(callbacks);
        if (list.Count == 0)
        {
            return null;
        }
        var p = new TrainingParams(1, (samples + batchSize - 1) / batchSize, verbose);
        foreach (var c in list)
        {
            c.Model = model;
            c.Params = p;
        }
        return list;
    }

    public static EvaluationResult Evaluate(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize, int verbose, bool returnDict = false,
        Tensor? sampleWeight = null, int? steps = null, IEnumerable<Callback>? callbacks = null, CancellationToken cancellationToken = default)
    {
        RequireCompiled(model, "Evaluate");
        CheckPositive(batchSize, nameof(batchSize));
        if (steps is { } s)
        {
            CheckPositive(s, nameof(steps));
        }
        CheckData(model, x, y, "x", "y");
        var weights = SampleWeights.Resolve(model, y.Count > 0 ? y : x, sampleWeight, null, "Evaluate");
        using var usage = model.Usage.EnterInference(model, "Evaluate");
        var data = new StepData { Metrics = new CompiledMetrics(model, y.Count), Cancellation = cancellationToken };
        var list = InferenceCallbacks(model, callbacks, verbose, x[0].Shape[0], batchSize);
        foreach (var c in list ?? [])
        {
            c.OnTestBegin();
        }
        int cursor = 0;
        var logs = new Dictionary<string, double>(EvaluateSharded(model, x, y, weights, batchSize, verbose, data, list, steps, ref cursor, DataParallelContext.Current()));
        foreach (var c in list ?? [])
        {
            c.OnTestEnd(logs);
        }
        return new EvaluationResult(new Dictionary<string, double>(logs), returnDict);
    }

    /// <summary>
    /// Evaluation, split under data parallelism: each rank evaluates a contiguous share of the samples in
    /// batches of its share of the global batch, and the metric states are summed so every rank holds the global result.
    /// </summary>
    private static IReadOnlyDictionary<string, double> EvaluateSharded(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, int batchSize, int verbose,
        StepData data, List<Callback>? callbacks, int? maxSteps, ref int cursor, DataParallelContext? dp)
    {
        int samples = x[0].Shape[0];
        // Fewer samples than ranks: every rank evaluates them all, which gives the same result everywhere.
        if (dp is null || samples < dp.Size)
        {
            return EvaluateCore(model, x, y, sampleWeight, batchSize, dp is { Rank: > 0 } ? 0 : verbose, data, callbacks, maxSteps, ref cursor);
        }
        var (start, count) = dp.Shard(0, samples);
        EvaluateCore(model, [.. x.Select(t => t.Slice(start, count))], [.. y.Select(t => t.Slice(start, count))], sampleWeight?.Slice(start, count),
            (batchSize + dp.Size - 1) / dp.Size, dp.Rank == 0 ? verbose : 0, data, callbacks, maxSteps, ref cursor);
        if (data.Metrics is not { } metrics)
        {
            throw new NotSupportedException($"Model '{model.Name}': a custom TestStep without compiled metrics cannot be evaluated under DataParallel.");
        }
        dp.ReduceInPlace(metrics);
        return metrics.WriteLogs(data.Logs);
    }

    private static IReadOnlyDictionary<string, double> EvaluateCore(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, int batchSize, int verbose,
        StepData data, List<Callback>? callbacks, int? maxSteps, ref int cursor)
    {
        // Metric objects given to Compile hold the running state themselves (as Keras's do), so
        // evaluations that use them take turns; identifiers get fresh metrics per call and run at once.
        if (model.MetricObjects is { Count: > 0 })
        {
            lock (model.MetricGate)
            {
                return EvaluateBatches(model, x, y, sampleWeight, batchSize, verbose, data, callbacks, maxSteps, ref cursor);
            }
        }
        return EvaluateBatches(model, x, y, sampleWeight, batchSize, verbose, data, callbacks, maxSteps, ref cursor);
    }

    private static IReadOnlyDictionary<string, double> EvaluateBatches(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, int batchSize, int verbose,
        StepData data, List<Callback>? callbacks, int? maxSteps, ref int cursor)
    {
        // Batch hooks only when a user callback can read them, so Fit's validation stays allocation-free without one.
        bool hooks = callbacks is { Count: > 0 } && callbacks.Exists(c => !c.BuiltIn);
        data.Metrics?.Reset();
        model.ResetCustomMetrics();
        int samples = x[0].Shape[0];
        int batches = (samples + batchSize - 1) / batchSize;
        // With validationSteps (or steps) the batches carry on from where the last evaluation stopped, as Keras's iterator does.
        int steps = maxSteps is { } m ? Math.Min(m, batches - cursor) : batches;
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null, verbose: verbose) : null;
        IReadOnlyDictionary<string, double> logs = data.Logs;
        for (int step = 0; step < steps; step++)
        {
            data.Cancellation.ThrowIfCancellationRequested();
            int start = (cursor + step) * batchSize;
            int count = Math.Min(batchSize, samples - start);
            if (hooks)
            {
                foreach (var c in callbacks!)
                {
                    c.OnTestBatchBegin(step);
                }
            }
            data.Load(x, y, sampleWeight, null, start, count);
            logs = model.TestStep(data);
            if (hooks)
            {
                foreach (var c in callbacks!)
                {
                    c.OnTestBatchEnd(step, logs);
                }
            }
            bar?.Update(step + 1, bar.Style == ProgbarStyle.Keras3 ? logs.OrderBy(kv => kv.Key, StringComparer.Ordinal) : logs);
        }
        cursor = maxSteps is null || cursor + steps >= batches ? 0 : cursor + steps;
        return logs;
    }

    public static Tensor[] Predict(Model model, IReadOnlyList<Tensor> x, int batchSize, int verbose, string method = "Predict", IEnumerable<Callback>? callbacks = null,
        CancellationToken cancellationToken = default)
    {
        CheckPositive(batchSize, nameof(batchSize));
        CheckInputs(model, x, "x");
        using var usage = model.Usage.EnterInference(model, method);
        if (DataParallelContext.Current() is { } dp && x[0].Shape[0] >= dp.Size && method == "Predict")
        {
            // Each rank predicts a contiguous share in batches of its share of the global batch; all gather the whole.
            var (start, count) = dp.Shard(0, x[0].Shape[0]);
            var local = PredictCore(model, [.. x.Select(t => t.Slice(start, count))], (batchSize + dp.Size - 1) / dp.Size, dp.Rank == 0 ? verbose : 0, callbacks, cancellationToken);
            return dp.Gather(local, x[0].Shape[0], count);
        }
        return PredictCore(model, x, batchSize, verbose, callbacks, cancellationToken);
    }

    private static Tensor[] PredictCore(Model model, IReadOnlyList<Tensor> x, int batchSize, int verbose, IEnumerable<Callback>? callbacks, CancellationToken cancellationToken)
    {
        int samples = x[0].Shape[0];
        int steps = (samples + batchSize - 1) / batchSize;
        var bar = verbose > 0 ? new Progbar(steps, dynamic: verbose == 2 ? false : null, verbose: verbose) : null;
        var list = InferenceCallbacks(model, callbacks, verbose, samples, batchSize);
        foreach (var c in list ?? [])
        {
            c.OnPredictBegin();
        }
        Tensor[]? result = null;
        var data = new StepData();
        for (int step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = step * batchSize;
            int count = Math.Min(batchSize, samples - start);
            foreach (var c in list ?? [])
            {
                c.OnPredictBatchBegin(step);
            }
            data.Load(x, [], null, null, start, count);
            var outputs = model.PredictStep(data);
            result ??= [.. outputs.Select(o => Tensor.Zeros(o.Shape.WithDim(0, samples)))];
            if (outputs.Count != result.Length)
            {
                throw new InvalidOperationException($"PredictStep of model '{model.Name}' returned {outputs.Count} outputs for batch {step + 1} but {result.Length} before.");
            }
            for (int k = 0; k < outputs.Count; k++)
            {
                int row = outputs[k].Length / Math.Max(1, count);
                if (outputs[k].Rank == 0 || outputs[k].Shape[0] != count || row * samples != result[k].Length)
                {
                    throw new InvalidOperationException($"PredictStep of model '{model.Name}' returned output {k} of shape {outputs[k].Shape} for a batch of {count} samples; expected {count} rows of the shape {result[k].Shape.WithDim(0, count)}.");
                }
                outputs[k].Span.CopyTo(result[k].Span.Slice(start * row, count * row));
            }
            // Keras hands the batch's outputs to on_predict_batch_end; they may be the step's buffers, valid during the call.
            foreach (var c in list ?? [])
            {
                c.OnPredictBatchEnd(step, outputs);
            }
            bar?.Update(step + 1);
        }
        foreach (var c in list ?? [])
        {
            c.OnPredictEnd();
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

    /// <summary>
    /// Runs the model's TrainStep on one batch. On the first step of a Fit it also notes which layers the step
    /// called from outside any layer, and fails if one has weights the model does not track.
    /// </summary>
    private static IReadOnlyDictionary<string, double> RunTrainStep(Model model, StepData data, List<Layers.Layer> entryCalls, ref bool check)
    {
        if (!check)
        {
            return model.TrainStep(data);
        }
        check = false;
        entryCalls.Clear();
        var previous = Layers.Layer.BeginEntryCallRecording(entryCalls);
        IReadOnlyDictionary<string, double> logs;
        try
        {
            logs = model.TrainStep(data);
        }
        finally
        {
            Layers.Layer.EndEntryCallRecording(previous);
        }
        model.CheckEntryCalls(entryCalls, "TrainStep");
        return logs;
    }

    private static void CheckFitExtras(FitExtras e, int epochs)
    {
        if (e.InitialEpoch < 0 || e.InitialEpoch >= epochs)
        {
            throw new ArgumentOutOfRangeException("initialEpoch", e.InitialEpoch, $"initialEpoch must be in [0, epochs) = [0, {epochs}), got {e.InitialEpoch}: training runs epochs initialEpoch+1 to epochs.");
        }
        if (e.StepsPerEpoch is { } s)
        {
            CheckPositive(s, "stepsPerEpoch");
        }
        if (e.ValidationSteps is { } v)
        {
            CheckPositive(v, "validationSteps");
        }
        if (e.ValidationBatchSize is { } b)
        {
            CheckPositive(b, "validationBatchSize");
        }
        CheckPositive(e.ValidationFreq, "validationFreq");
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
        // No targets at all is Keras's fit(x): the model's own loss (AddLoss, ComputeLoss, TrainStep) needs none.
        if (y.Count != model.OutputCount && y.Count != 0)
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
