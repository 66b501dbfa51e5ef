using SharpKeras.Callbacks;
using SharpKeras.Data;
using SharpKeras.Distribution;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Fit, Evaluate and Predict for every model and every kind of data: batching, the model's TrainStep/TestStep/PredictStep
/// (the built-in ones run the planned, replayed step), validation, metrics and callbacks. Data comes from a
/// <see cref="StepFeed"/>: in-memory arrays (one per model input and one target per output, in order) or a batch
/// source (a PyDataset, an enumerable or an async enumerable of batches); the loop is the same for both.
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
        int batches = (x[0].Shape[0] + batchSize - 1) / batchSize;
        // Data parallelism: this rank trains on its shard of every global batch (see Distribution/DataParallelContext).
        var dp = DataParallelContext.Current();
        if (dp is not null && batchSize < dp.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize is the global batch, split across the {dp.Size} processes of the job; it must be at least {dp.Size}, got {batchSize}.");
        }
        // Every rank must shuffle alike, so that the shards of each global batch partition it.
        int shuffleSeed = dp is null ? seed ?? SeedGenerator.Global.NextInt() : dp.AgreeOnSeed(seed);
        using var train = ArrayFeed.ForTraining(x, y, sampleWeight, batchSize, extras.StepsPerEpoch, shuffle, shuffleSeed, dp);
        using var validation = validationData is { } v
            ? ArrayFeed.ForEvaluation(v.X, v.Y, null, extras.ValidationBatchSize ?? batchSize, extras.ValidationSteps, dp)
            : null;
        return FitFeed(model, train, validation, extras.StepsPerEpoch ?? batches, epochs, verbose, callbacks, extras);
    }

    /// <summary>Fit over a batch source: the same loop as arrays, each batch read from <paramref name="train"/> as the step needs it.</summary>
    public static History Fit(Model model, IBatchSource train, IBatchSource? validation, int epochs, int verbose, IEnumerable<Callback>? callbacks, FitExtras extras)
    {
        using var trainSource = train;
        using var validationSource = validation;
        using var feed = new SourceFeed(model, train, "Fit", extras.ClassWeight);
        using var validationFeed = validation is null ? null : new SourceFeed(model, validation, "Evaluate");
        RequireCompiled(model, "Fit");
        CheckPositive(epochs, nameof(epochs));
        CheckFitExtras(extras, epochs);
        extras.Cancellation.ThrowIfCancellationRequested();
        using var usage = model.Usage.EnterTraining(model, "Fit");
        return FitFeed(model, feed, validationFeed, train.Steps, epochs, verbose, callbacks, extras);
    }

    /// <summary>
    /// The one training loop: epochs of steps, each loading the feed's next batch into one reused <see cref="StepData"/>
    /// and running the model's TrainStep between the batch callbacks, then validation and the epoch callbacks.
    /// </summary>
    private static History FitFeed(Model model, StepFeed train, StepFeed? validation, int? steps, int epochs, int verbose, IEnumerable<Callback>? callbacks, FitExtras extras)
    {
        var dp = train.DataParallel;
        // The progress bar needs the number of steps; a source of unknown length trains without one.
        var all = PrepareCallbacks(model, callbacks, steps is null ? 0 : verbose, epochs, steps ?? 0, out var history);
        all = dp?.ChiefOnly(all) ?? all;
        // The model's own loss tracker and compiled metrics (Keras's model.metrics), so a custom TrainStep sees them.
        var trainMetrics = model.CompiledMetricSet;
        var valMetrics = validation is null ? null : new CompiledMetrics(model);
        // One batch object for the whole run, reloaded per step; the built-in step fills its logs in place.
        var data = new StepData { Metrics = trainMetrics, Cancellation = extras.Cancellation };
        var valData = new StepData { Metrics = valMetrics, Cancellation = extras.Cancellation };
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
            trainMetrics?.Reset();
            model.ResetCustomMetrics();
            train.BeginEpoch(epoch);
            IReadOnlyDictionary<string, double>? logs = null;
            int step = 0;
            for (; !model.StopTraining; step++)
            {
                // Between batches only, so a cancelled Fit leaves the weights of its last whole step.
                extras.Cancellation.ThrowIfCancellationRequested();
                if (!train.TryLoad(data, step, extras.Cancellation))
                {
                    break;
                }
                foreach (var c in all)
                {
                    c.OnTrainBatchBegin(step);
                }
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
            bool ranOut = train.EndEpoch();
            if (step == 0 && !model.StopTraining)
            {
                if (ranOut)
                {
                    // A generator that ended exactly at an epoch's start: Keras stops without another epoch.
                    break;
                }
                throw new InvalidOperationException($"{train.Description} gave no batches in epoch {epoch + 1}; Fit needs at least one batch per epoch.");
            }
            epochLogs = logs is null ? [] : new Dictionary<string, double>(logs);
            if (validation is not null && (epoch + 1) % extras.ValidationFreq == 0)
            {
                foreach (var c in all)
                {
                    c.OnTestBegin();
                }
                var testLogs = EvaluateFeed(model, validation, verbose: 0, valData, all, dp);
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
            if (ranOut)
            {
                model.StopTraining = true;
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
    private static List<Callback>? InferenceCallbacks(Model model, IEnumerable<Callback>? callbacks, int verbose, int steps)
    {
        var list = UserCallbacks(callbacks);
        if (list.Count == 0)
        {
            return null;
        }
        var p = new TrainingParams(1, steps, verbose);
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
        var dp = DataParallelContext.Current();
        using var feed = ArrayFeed.ForEvaluation(x, y, weights, batchSize, steps, dp);
        return EvaluateWith(model, feed, verbose, returnDict, callbacks, (x[0].Shape[0] + batchSize - 1) / batchSize, dp, cancellationToken);
    }

    /// <summary>Evaluate over a batch source: the same loop and TestStep as arrays.</summary>
    public static EvaluationResult Evaluate(Model model, IBatchSource source, int verbose, bool returnDict, IEnumerable<Callback>? callbacks, CancellationToken cancellationToken)
    {
        using var owned = source;
        using var feed = new SourceFeed(model, source, "Evaluate");
        RequireCompiled(model, "Evaluate");
        cancellationToken.ThrowIfCancellationRequested();
        using var usage = model.Usage.EnterInference(model, "Evaluate");
        return EvaluateWith(model, feed, verbose, returnDict, callbacks, source.Steps ?? 0, null, cancellationToken);
    }

    private static EvaluationResult EvaluateWith(Model model, StepFeed feed, int verbose, bool returnDict, IEnumerable<Callback>? callbacks, int steps,
        DataParallelContext? dp, CancellationToken cancellationToken)
    {
        // As Keras, an evaluation resets and fills the model's own metric states (model.Metrics); an evaluation that
        // runs while another holds them gets fresh states, so that calls on several threads at once never share them.
        bool own = Monitor.TryEnter(model.MetricGate);
        try
        {
            var data = new StepData { Metrics = own ? model.CompiledMetricSet : new CompiledMetrics(model), Cancellation = cancellationToken };
            var list = InferenceCallbacks(model, callbacks, verbose, steps);
            foreach (var c in list ?? [])
            {
                c.OnTestBegin();
            }
            var logs = new Dictionary<string, double>(EvaluateFeed(model, feed, verbose, data, list, dp));
            foreach (var c in list ?? [])
            {
                c.OnTestEnd(logs);
            }
            return new EvaluationResult(new Dictionary<string, double>(logs), returnDict);
        }
        finally
        {
            if (own)
            {
                Monitor.Exit(model.MetricGate);
            }
        }
    }

    /// <summary>
    /// One evaluation pass over a feed. Under data parallelism an array feed holds this rank's share of the samples,
    /// and the metric states are summed afterwards so that every rank holds the global result.
    /// </summary>
    private static IReadOnlyDictionary<string, double> EvaluateFeed(Model model, StepFeed feed, int verbose, StepData data, List<Callback>? callbacks, DataParallelContext? dp)
    {
        verbose = dp is { Rank: > 0 } ? 0 : verbose;
        IReadOnlyDictionary<string, double> logs;
        // Metric objects given to Compile hold the running state themselves (as Keras's do), so
        // evaluations that use them take turns; identifiers get fresh metrics per call and run at once.
        if (model.MetricObjects is { Count: > 0 })
        {
            lock (model.MetricGate)
            {
                logs = EvaluateBatches(model, feed, verbose, data, callbacks);
            }
        }
        else
        {
            logs = EvaluateBatches(model, feed, verbose, data, callbacks);
        }
        if (dp is null || feed is not ArrayFeed { Sharded: true })
        {
            return logs;
        }
        if (data.Metrics is not { } metrics)
        {
            throw new NotSupportedException($"Model '{model.Name}': a custom TestStep without compiled metrics cannot be evaluated under DataParallel.");
        }
        dp.ReduceInPlace(metrics);
        return metrics.WriteLogs(data.Logs);
    }

    private static IReadOnlyDictionary<string, double> EvaluateBatches(Model model, StepFeed feed, int verbose, StepData data, List<Callback>? callbacks)
    {
        // Batch hooks only when a user callback can read them, so Fit's validation stays allocation-free without one.
        bool hooks = callbacks is { Count: > 0 } && callbacks.Exists(c => !c.BuiltIn);
        data.Metrics?.Reset();
        model.ResetCustomMetrics();
        feed.BeginEpoch(0);
        var bar = verbose > 0 && feed.Steps is { } n ? new Progbar(n, dynamic: verbose == 2 ? false : null, verbose: verbose) : null;
        IReadOnlyDictionary<string, double> logs = data.Logs;
        int step = 0;
        for (; ; step++)
        {
            data.Cancellation.ThrowIfCancellationRequested();
            if (!feed.TryLoad(data, step, data.Cancellation))
            {
                break;
            }
            if (hooks)
            {
                foreach (var c in callbacks!)
                {
                    c.OnTestBatchBegin(step);
                }
            }
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
        feed.EndEpoch();
        if (step == 0)
        {
            throw new InvalidOperationException($"{feed.Description} gave no batches to evaluate.");
        }
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
            IReadOnlyList<Tensor> share = [.. x.Select(t => t.Slice(start, count))];
            int shareBatch = (batchSize + dp.Size - 1) / dp.Size;
            using var shareFeed = ArrayFeed.ForEvaluation(share, [], null, shareBatch, null, null);
            var local = PredictFeed(model, shareFeed, share, dp.Rank == 0 ? verbose : 0, callbacks, (count + shareBatch - 1) / shareBatch, cancellationToken);
            return dp.Gather(local, x[0].Shape[0], count);
        }
        using var feed = ArrayFeed.ForEvaluation(x, [], null, batchSize, null, null);
        return PredictFeed(model, feed, x, verbose, callbacks, (x[0].Shape[0] + batchSize - 1) / batchSize, cancellationToken);
    }

    /// <summary>Predict over a batch source: the same loop and PredictStep as arrays, the outputs stacked.</summary>
    public static Tensor[] Predict(Model model, IBatchSource source, int verbose, IEnumerable<Callback>? callbacks, CancellationToken cancellationToken)
    {
        using var owned = source;
        using var feed = new SourceFeed(model, source, "Predict");
        cancellationToken.ThrowIfCancellationRequested();
        using var usage = model.Usage.EnterInference(model, "Predict");
        return PredictFeed(model, feed, null, verbose, callbacks, source.Steps ?? 0, cancellationToken);
    }

    private static Tensor[] PredictFeed(Model model, StepFeed feed, IReadOnlyList<Tensor>? x, int verbose, IEnumerable<Callback>? callbacks, int steps, CancellationToken cancellationToken)
    {
        var list = InferenceCallbacks(model, callbacks, verbose, steps);
        foreach (var c in list ?? [])
        {
            c.OnPredictBegin();
        }
        feed.BeginEpoch(0);
        var bar = verbose > 0 && feed.Steps is { } n ? new Progbar(n, dynamic: verbose == 2 ? false : null, verbose: verbose) : null;
        // Arrays fill one result of known size; a source's batches are kept and stacked at the end.
        int? samples = feed.Samples;
        Tensor[]? result = null;
        var parts = samples is null ? new List<Tensor[]>() : null;
        var data = new StepData();
        int offset = 0;
        int step = 0;
        for (; ; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!feed.TryLoad(data, step, cancellationToken))
            {
                break;
            }
            int count = data.BatchSize;
            // Per batch without a fallback list, so that a prediction without callbacks allocates nothing per step.
            for (int i = 0; i < (list?.Count ?? 0); i++)
            {
                list![i].OnPredictBatchBegin(step);
            }
            var outputs = model.PredictStep(data);
            int expected = result?.Length ?? (parts is { Count: > 0 } ? parts[0].Length : outputs.Count);
            if (outputs.Count != expected)
            {
                throw new InvalidOperationException($"PredictStep of model '{model.Name}' returned {outputs.Count} outputs for batch {step + 1} but {expected} before.");
            }
            if (samples is { } total)
            {
                result ??= [.. outputs.Select(o => Tensor.Zeros(o.Shape.WithDim(0, total)))];
            }
            for (int k = 0; k < outputs.Count; k++)
            {
                int row = outputs[k].Length / Math.Max(1, count);
                if (outputs[k].Rank == 0 || outputs[k].Shape[0] != count || (result is not null && row * samples!.Value != result[k].Length))
                {
                    var shape = result is null ? outputs[k].Shape.WithDim(0, count) : result[k].Shape.WithDim(0, count);
                    throw new InvalidOperationException($"PredictStep of model '{model.Name}' returned output {k} of shape {outputs[k].Shape} for a batch of {count} samples; expected {count} rows of the shape {shape}.");
                }
                if (result is not null)
                {
                    outputs[k].Span.CopyTo(result[k].Span.Slice(offset * row, count * row));
                }
            }
            // The step's outputs may be buffers that the next batch overwrites: a source's are kept as copies.
            parts?.Add([.. outputs.Select(o => o.Clone())]);
            offset += count;
            // Keras hands the batch's outputs to on_predict_batch_end; they may be the step's buffers, valid during the call.
            for (int i = 0; i < (list?.Count ?? 0); i++)
            {
                list![i].OnPredictBatchEnd(step, outputs);
            }
            bar?.Update(step + 1);
            // The first batch built the model and its plan on this thread; the rest may be shared out whole among the threads.
            if (step == 0 && result is not null && feed.Steps is { } all && all == (samples!.Value + count - 1) / count &&
                ConcurrentPredict.Applies(model, x, list is not null, all - 1))
            {
                ConcurrentPredict.Run(model, x!, result, 1, count, bar, cancellationToken);
                bar?.Update(all);
                break;
            }
        }
        feed.EndEpoch();
        foreach (var c in list ?? [])
        {
            c.OnPredictEnd();
        }
        if (parts is not null)
        {
            if (parts.Count == 0)
            {
                throw new InvalidOperationException($"{feed.Description} gave no batches to predict.");
            }
            return [.. Enumerable.Range(0, parts[0].Length).Select(k => Concatenate(parts.Select(p => p[k]).ToList()))];
        }
        return result ?? EmptyOutputs(model, x!);
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
            return CustomStepPlan.TrainStep(model, data);
        }
        check = false;
        entryCalls.Clear();
        var previous = Layers.Layer.BeginEntryCallRecording(entryCalls);
        IReadOnlyDictionary<string, double> logs;
        try
        {
            logs = CustomStepPlan.TrainStep(model, data);
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

    internal static void CheckInputs(Model model, IReadOnlyList<Tensor> x, string xName)
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
