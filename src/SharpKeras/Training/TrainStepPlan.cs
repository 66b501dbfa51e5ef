using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Training;

/// <summary>
/// One training step recorded for a batch shape and replayed for every later batch of that shape:
/// the batch goes into the same input tensors, the recorded forward and backward run again into
/// the same buffers, and the optimizer updates the weights in place. After the first batch a step
/// allocates nothing on the managed heap.
/// </summary>
internal sealed class TrainStepPlan
{
    private readonly Tensor _ownX;
    private readonly Tensor _ownY;
    private readonly Variable[] _variables;

    private readonly Model _model;
    private GradientTape? _tape;
    private Tensor?[] _grads = [];

    private TrainStepPlan(Model model, Shape xShape, DType xType, Shape yShape, DType yType)
    {
        _model = model;
        Stamp = new StructureStamp(model);
        Optimizer = model.Optimizer!;
        _ownX = Tensor.NewLike(xShape, xType);
        _ownY = Tensor.NewLike(yShape, yType);
        X = _ownX.View(xShape);
        Y = _ownY.View(yShape);
        _variables = [.. model.TrainableWeights];
    }

    /// <summary>The model's structure when the plan was made.</summary>
    public StructureStamp Stamp { get; }

    /// <summary>The optimizer the plan was made for.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The input batch placeholder.</summary>
    public Tensor X { get; }

    /// <summary>The target batch placeholder.</summary>
    public Tensor Y { get; }

    /// <summary>The model's output on the last batch.</summary>
    public Tensor Predictions { get; private set; } = null!;

    /// <summary>The scalar loss on the last batch.</summary>
    public Tensor Loss { get; private set; } = null!;

    /// <summary>The plan for batches of <paramref name="count"/> samples of x and y, made now if there is none or the model changed.</summary>
    public static TrainStepPlan For(Model model, Tensor x, Tensor y, int count)
    {
        var plans = model.TrainPlans;
        for (int i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            if (!ReferenceEquals(p.Optimizer, model.Optimizer) || !p.Stamp.Matches(model))
            {
                plans.Clear();
                break;
            }
            if (p.X.Shape[0] == count && SameSamples(p.X, x) && SameSamples(p.Y, y))
            {
                return p;
            }
        }
        var xShape = x.Shape.WithDim(0, count);
        // Build first so that the trainable weights exist before the tape starts watching them.
        model.EnsureBuilt(xShape);
        var plan = new TrainStepPlan(model, xShape, x.DType, y.Shape.WithDim(0, count), y.DType);
        // Batches of other sizes are rare (the last one of an epoch); keep a few plans at most.
        if (plans.Count >= 4)
        {
            plans.RemoveAt(0);
        }
        plans.Add(plan);
        return plan;
    }

    private static bool SameSamples(Tensor batch, Tensor data)
    {
        if (batch.DType != data.DType || batch.Rank != data.Rank)
        {
            return false;
        }
        for (int i = 1; i < batch.Rank; i++)
        {
            if (batch.Shape[i] != data.Shape[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Points the placeholders at rows [start, start + count) of the data, without copying.</summary>
    public void LoadSlice(Tensor x, Tensor y, int start)
    {
        X.RebindRows(x, start);
        Y.RebindRows(y, start);
    }

    /// <summary>Copies the rows at <paramref name="indices"/> into the plan's own buffers.</summary>
    public void LoadGather(Tensor x, Tensor y, ReadOnlySpan<int> indices)
    {
        X.Rebind(_ownX);
        Y.Rebind(_ownY);
        x.GatherInto(indices, X);
        y.GatherInto(indices, Y);
    }

    /// <summary>Like <see cref="Run"/>, timing every op and the optimizer; the first (recording) call is not timed.</summary>
    public double RunProfiled(Dictionary<string, (long Forward, long Backward)> times)
    {
        if (_tape is null || !_tape.Replayable)
        {
            return Run();
        }
        _tape.ReplayProfiled(times);
        double loss = Loss.Item();
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        if (double.IsFinite(loss))
        {
            Optimizer.ApplyGradients(_grads, _variables);
        }
        times.TryGetValue("optimizer", out var t);
        times["optimizer"] = (t.Forward, t.Backward + System.Diagnostics.Stopwatch.GetTimestamp() - t0);
        return loss;
    }

    /// <summary>Runs the first step eagerly on a recording tape; later steps replay it.</summary>
    private void Record()
    {
        var tape = new GradientTape();
        using (tape)
        {
            foreach (var v in _variables)
            {
                tape.Watch(v.Value);
            }
            // The batch is watched too, so that everything computed from it is recorded and replayed.
            tape.Watch(X);
            tape.Watch(Y);
            Predictions = _model.Apply(X, training: true);
            Loss = _model.Loss!.Compute(Y, Predictions);
            _grads = tape.Gradient(Loss, [.. _variables.Select(v => v.Value)]);
        }
        _tape = tape;
    }

    /// <summary>Runs forward and backward on the loaded batch and applies the optimizer; returns the loss before the update.</summary>
    public double Run()
    {
        if (_tape is null || !_tape.Replayable)
        {
            Record();
        }
        else
        {
            _tape.ReplayForward();
            _tape.ReplayBackward();
        }
        double loss = Loss.Item();
        if (double.IsFinite(loss))
        {
            Optimizer.ApplyGradients(_grads, _variables);
        }
        return loss;
    }
}
