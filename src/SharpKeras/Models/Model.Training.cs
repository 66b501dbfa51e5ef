using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Training;

namespace SharpKeras.Models;

/// <summary>
/// Keras 3's overridable training logic: <c>train_step</c>, <c>test_step</c>, <c>predict_step</c>,
/// <c>compute_loss</c> and <c>metrics</c>. Fit, Evaluate and Predict call these once per batch; the
/// built-in versions run the planned, replayed step.
/// </summary>
public partial class Model
{
    // The per-output losses of the latest built-in ComputeLoss on this thread, for the "<output>_loss" logs.
    [ThreadStatic] private static Tensor[]? t_outputLosses;

    /// <summary>
    /// One training step on one batch (Keras's <c>train_step(data)</c>): forward, loss, gradients, the
    /// optimizer update and metric updates; returns the logs that callbacks and the progress bar show.
    /// Override it for custom training: open a <see cref="GradientTape"/>, compute a loss from ops, take
    /// <c>tape.Gradient(loss, TrainableWeights)</c>, call <c>Optimizer.ApplyGradients</c>, update your
    /// tracked metrics and return their results. The built-in step records once per batch shape and replays.
    /// </summary>
    /// <remarks>
    /// Fit and TrainOnBatch record an override too, unless the model was compiled with <c>runEagerly: true</c>: the first
    /// call for a batch shape runs it on placeholder batch tensors and keeps what it did to tensors (its ops, the tape's
    /// backward pass, <c>Optimizer.ApplyGradients</c>, <c>Mean.UpdateState(tensor)</c> of trackers, unseeded
    /// <c>Keras.Random</c> draws); later calls replay that without running the C#, and return the logs read from the same
    /// metrics (each returned value must be the <c>Result()</c> of a metric in <see cref="Metrics"/> or one the step
    /// updated). As with Keras's traced train_step, C# control flow and side effects run only at recording, so the step
    /// must do the same thing on every batch. A step that cannot be replayed runs eagerly for the model from then on:
    /// one that reads a tensor of the step on the host (<c>Item()</c>, <c>ToArray()</c>, an element: a branch on a value,
    /// <c>tracker.Update(loss.Item())</c>), updates a listed metric by another call than <c>Mean.UpdateState(tensor)</c>,
    /// returns a log that is no metric's result, calls a layer that computes outside the ops, or calls the built-in
    /// TrainStep. Compile with <c>runEagerly: true</c> for a step whose C# must run every batch.
    /// </remarks>
    public virtual IReadOnlyDictionary<string, double> TrainStep(StepData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        TrainingLoop.RequireCompiled(this, "TrainStep");
        // A custom step being recorded that calls this one (or no override at all) is left to this step's own plan.
        StepRecorder.OnBuiltInStep();
        data.BuiltInStepRan = true;
        var metrics = data.Metrics ??= CompiledMetricSet ?? new CompiledMetrics(this);
        var dp = data.DataParallel;
        double loss;
        if (dp is not null && data.BatchSize == 0)
        {
            // This rank's shard of a small last batch is empty: it still joins the gradient average.
            loss = dp.StepWithoutSamples(this, data.GlobalCount);
        }
        else
        {
            var plan = TrainStepPlan.For(this, data.SourceX, data.SourceY, data.SourceWeight, data.BatchSize);
            dp?.SyncInitialWeights(this);
            if (data.Order is { } order)
            {
                plan.LoadGather(data.SourceX, data.SourceY, data.SourceWeight, order.AsSpan(data.Start, data.BatchSize));
            }
            else
            {
                plan.LoadSlice(data.SourceX, data.SourceY, data.SourceWeight, data.Start);
            }
            loss = plan.Run(dp, data.GlobalCount);
            metrics.Update(loss, plan.OutputLosses, plan.Y, plan.Predictions, data.BatchSize);
        }
        data.LastLoss = dp?.LastGlobalLoss ?? loss;
        return dp is null ? metrics.WriteLogs(data.Logs) : dp.WriteGlobalLogs(metrics, data.Logs);
    }

    /// <summary>
    /// Runs every step eagerly (Keras's <c>run_eagerly</c>, set by <c>Compile(..., runEagerly: true)</c>): a custom
    /// <see cref="TrainStep"/> runs its C# on every batch, and the built-in step records afresh every batch, instead of
    /// recording once per batch shape and replaying. For debugging, and for steps whose C# must run each time.
    /// </summary>
    public bool RunEagerly { get; set; }

    /// <summary>Why the custom TrainStep of this model runs eagerly although <see cref="RunEagerly"/> is off; null while it is replayed.</summary>
    internal string? EagerTrainStepReason { get; set; }

    /// <summary>True once a step showed that this model's TrainStep is (or calls) the built-in one, which has its own plan.</summary>
    internal bool UsesBuiltInTrainStep { get; set; }

    /// <summary>Custom training steps recorded for this model, one per batch shape (see <see cref="CustomStepPlan"/>).</summary>
    internal List<CustomStepPlan> CustomPlans { get; } = [];

    /// <summary>
    /// One evaluation step on one batch in inference mode (Keras's <c>test_step(data)</c>): the loss and
    /// metric updates, without changing weights; returns the logs. Override it alongside a custom TrainStep.
    /// </summary>
    public virtual IReadOnlyDictionary<string, double> TestStep(StepData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Order is not null)
        {
            throw new InvalidOperationException("The built-in TestStep takes batches in order; this batch was shuffled.");
        }
        var plan = InferencePlans.Rent(this, data.SourceX, data.SourceY, data.SourceWeight, data.BatchSize);
        double loss;
        try
        {
            plan.LoadSlice(data.SourceX, data.SourceY, data.SourceWeight, data.Start);
            plan.Run();
            loss = plan.Loss!.Item();
            var metrics = data.Metrics ??= CompiledMetricSet ?? new CompiledMetrics(this);
            metrics.Update(loss, plan.OutputLosses, plan.Y!, plan.Predictions, data.BatchSize);
        }
        finally
        {
            InferencePlans.Return(plan);
        }
        data.LastLoss = loss;
        return data.Metrics!.WriteLogs(data.Logs);
    }

    /// <summary>
    /// The model's outputs for one batch in inference mode (Keras's <c>predict_step(data)</c>), one tensor per
    /// output. The built-in step returns buffers that the next batch overwrites; Predict copies them out.
    /// </summary>
    public virtual IReadOnlyList<Tensor> PredictStep(StepData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Order is not null)
        {
            throw new InvalidOperationException("The built-in PredictStep takes batches in order; this batch was shuffled.");
        }
        var plan = InferencePlans.Rent(this, data.SourceX, null, null, data.BatchSize);
        try
        {
            plan.LoadSlice(data.SourceX, null, null, data.Start);
            plan.Run();
            var outputs = plan.Predictions;
            var buffers = data.PredictBuffers;
            if (buffers is null || buffers.Length != outputs.Length || !SameShapes(buffers, outputs))
            {
                buffers = [.. outputs.Select(o => Tensor.NewLike(o.Shape, o.DType))];
                data.PredictBuffers = buffers;
            }
            for (int k = 0; k < outputs.Length; k++)
            {
                outputs[k].Span.CopyTo(buffers[k].Span);
            }
            return buffers;
        }
        finally
        {
            InferencePlans.Return(plan);
        }
    }

    private static bool SameShapes(Tensor[] a, Tensor[] b)
    {
        for (int k = 0; k < a.Length; k++)
        {
            if (a[k].Shape != b[k].Shape || a[k].DType != b[k].DType)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The total loss of a batch (Keras's <c>compute_loss(x, y, y_pred, sample_weight, training)</c>): the
    /// compiled loss (weighted by <paramref name="sampleWeight"/> when given) plus every loss term added with
    /// <see cref="Layer.AddLoss"/> during the forward pass. Override it to change the loss while keeping the
    /// built-in, replayed step: written with ops, it is recorded and replayed with the rest of the step.
    /// </summary>
    public virtual Tensor ComputeLoss(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, IReadOnlyList<Tensor> yPred,
        Tensor? sampleWeight = null, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(yPred);
        Tensor? total = null;
        if (Loss is not null)
        {
            if (y.Count == 0)
            {
                throw new InvalidOperationException(
                    $"Model '{Name}' was compiled with loss '{Loss.Name}', which needs targets, but no y was given. " +
                    "Pass y, or compile with only an optimizer when the model adds its own loss with AddLoss or overrides ComputeLoss or TrainStep.");
            }
            var (compiled, parts) = Batches.TotalLoss(this, y, yPred, sampleWeight);
            t_outputLosses = parts;
            total = compiled;
        }
        foreach (var extra in Losses)
        {
            total = total is null ? extra : Ops.Add(total, extra);
        }
        return total ?? throw new InvalidOperationException(
            $"No loss to compute for model '{Name}'. Provide a loss argument in Compile(), add loss terms with AddLoss() inside Call, or override ComputeLoss or TrainStep.");
    }

    /// <summary>Runs <see cref="ComputeLoss"/> and returns the total with each output's compiled loss (the total alone when there is none).</summary>
    internal (Tensor Total, Tensor[] PerOutput) ComputeLossWithParts(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, IReadOnlyList<Tensor> yPred, Tensor? sampleWeight, bool training)
    {
        t_outputLosses = null;
        var total = ComputeLoss(x, y, yPred, sampleWeight, training);
        var parts = t_outputLosses;
        t_outputLosses = null;
        return (total, parts is { Length: > 1 } ? parts : [total]);
    }

    /// <summary>
    /// The model's metric objects (Keras 3's <c>model.metrics</c>): once compiled, the loss tracker ("loss") first, then the
    /// compiled metrics (resolved from the first batch of a Fit, Evaluate or TrainOnBatch), then each output's loss
    /// tracker, then the metrics tracked with <see cref="Layer"/>'s <c>TrackMetric</c> here or in sublayers. Fit resets them
    /// at each epoch and Evaluate at its start; a custom TrainStep may update them and return their results, as the
    /// keras-io guide does. Keras nests the compiled ones in one <c>CompileMetrics</c> object whose result is a dict;
    /// here they are listed one by one, so <c>{m.Name: m.Result()}</c> gives the keys Keras's logs show.
    /// A custom TrainStep model may override it to list its own trackers instead.
    /// </summary>
    public virtual IReadOnlyList<Metric> Metrics => CompiledMetricSet is { } compiled ? [.. compiled.Objects, .. TrackedMetrics] : TrackedMetrics;

    /// <summary>The names of <see cref="Metrics"/>, in order (Keras's <c>metrics_names</c>, with the compiled metrics listed one by one).</summary>
    public IReadOnlyList<string> MetricsNames => [.. Metrics.Select(m => m.Name)];

    /// <summary>The running loss and compiled metrics that Fit, TrainOnBatch and TestOnBatch update (Keras's loss tracker and compile_metrics); null before Compile.</summary>
    internal CompiledMetrics? CompiledMetricSet { get; private set; }

    /// <summary>
    /// Resets every metric listed by <see cref="Metrics"/> but the compiled ones (done by Fit and Evaluate before each pass, as
    /// Keras's <c>reset_metrics</c>); the compiled states are reset by the call that uses them, so that an evaluation
    /// running on another thread with fresh states never clears them under it.
    /// </summary>
    internal void ResetCustomMetrics()
    {
        var compiled = CompiledMetricSet;
        foreach (var m in Metrics)
        {
            if (compiled is null || !compiled.Owns(m))
            {
                m.ResetState();
            }
        }
    }

    /// <inheritdoc/>
    internal override IEnumerable<Layer> ChildLayers => Layers.Concat(TrackedLayers).Distinct();

    /// <summary>
    /// Fails when a step called, from outside any layer, a layer with weights that this model does not track:
    /// training would leave those weights alone and saving would drop them, silently.
    /// </summary>
    internal void CheckEntryCalls(List<Layer> calledLayers, string step)
    {
        if (calledLayers.Count == 0)
        {
            return;
        }
        var mine = new HashSet<Layer>(FlattenLayers(), ReferenceEqualityComparer.Instance);
        foreach (var layer in calledLayers)
        {
            if (mine.Contains(layer) || layer.Weights.Count == 0)
            {
                continue;
            }
            throw new InvalidOperationException(
                $"Model '{Name}' ({GetType().Name}) called layer '{layer.Name}' ({layer.GetType().Name}, {layer.Weights.Count} weights) in {step}, " +
                $"but does not track it, so its weights are not in the model's TrainableWeights (training would not update them) and saving would leave them out. " +
                $"Track it in the constructor (for example _{ToCamel(layer.Name)} = Track({ToCamel(layer.Name)});) or call it from Call.");
        }
    }

    private static string ToCamel(string snake)
    {
        var parts = snake.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "layer" : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
