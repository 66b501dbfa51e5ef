using SharpKeras.Training;

namespace SharpKeras.Models;

/// <summary>
/// Keras's single-batch methods: <c>train_on_batch</c>, <c>test_on_batch</c> and <c>reset_metrics</c>. As Keras 3, they
/// update the model's own metric states (<see cref="Metrics"/>), never reset between calls, so values are running means
/// until ResetMetrics(), a Fit epoch or an Evaluate (which reset them as Keras's do), or a new Compile.
/// </summary>
public partial class Model
{
    /// <summary>
    /// One gradient update on one batch, run whole whatever its size (Keras's <c>train_on_batch</c>):
    /// the loss first, then the metrics, as running means over the calls since the last <see cref="ResetMetrics"/>.
    /// </summary>
    public EvaluationResult TrainOnBatch(Tensor x, Tensor y, bool returnDict = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return TrainOnBatch([x], [y], returnDict);
    }

    /// <summary>One gradient update on one batch of several inputs and/or outputs (Keras's <c>train_on_batch([x1, x2], [y1, y2])</c>).</summary>
    public EvaluationResult TrainOnBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, bool returnDict = false)
    {
        TrainingLoop.RequireCompiled(this, "TrainOnBatch");
        TrainingLoop.CheckData(this, x, y, "x", "y");
        using var usage = Usage.EnterTraining(this, "TrainOnBatch");
        int count = x[0].Shape[0];
        // Under DataParallel each rank trains on its shard of the batch (rank 0's weights are sent first, every call).
        var dp = Distribution.DataParallelContext.Current();
        if (dp is not null && count < dp.Size)
        {
            throw new ArgumentException($"TrainOnBatch under DataParallel splits the batch across the {dp.Size} processes of the job; it needs at least {dp.Size} samples, got {count}.", nameof(x));
        }
        var (start, local) = dp?.Shard(0, count) ?? (0, count);
        lock (MetricGate)
        {
            var data = new StepData();
            data.Load(x, y, null, null, start, local);
            data.Distribute(dp, count);
            data.Metrics = CompiledMetricSet;
            return new EvaluationResult(new Dictionary<string, double>(CustomStepPlan.TrainStep(this, data)), returnDict);
        }
    }

    /// <summary>
    /// Loss and metrics on one batch in inference mode, without updating weights (Keras's <c>test_on_batch</c>);
    /// the metrics share their running state with <see cref="TrainOnBatch(Tensor, Tensor, bool)"/> until <see cref="ResetMetrics"/>.
    /// </summary>
    public EvaluationResult TestOnBatch(Tensor x, Tensor y, bool returnDict = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return TestOnBatch([x], [y], returnDict);
    }

    /// <summary>Loss and metrics on one batch of several inputs and/or outputs (Keras's <c>test_on_batch([x1, x2], [y1, y2])</c>).</summary>
    public EvaluationResult TestOnBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, bool returnDict = false)
    {
        TrainingLoop.RequireCompiled(this, "TestOnBatch");
        TrainingLoop.CheckData(this, x, y, "x", "y");
        using var usage = Usage.EnterInference(this, "TestOnBatch");
        int count = x[0].Shape[0];
        lock (MetricGate)
        {
            var data = new StepData();
            data.Load(x, y, null, null, 0, count);
            data.Metrics = CompiledMetricSet;
            return new EvaluationResult(new Dictionary<string, double>(TestStep(data)), returnDict);
        }
    }

    /// <summary>Clears the running metric values that <see cref="TrainOnBatch(Tensor, Tensor, bool)"/> and <see cref="TestOnBatch(Tensor, Tensor, bool)"/> accumulate (Keras's <c>reset_metrics</c>).</summary>
    public void ResetMetrics()
    {
        lock (MetricGate)
        {
            CompiledMetricSet?.Reset();
            ResetCustomMetrics();
        }
    }
}
