using SharpKeras.Distribution;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Training;

/// <summary>
/// One training step recorded for a batch shape and replayed for every later batch of that shape:
/// each input and target batch goes into the same placeholder tensors, the recorded forward and
/// backward run again into the same buffers, and the optimizer updates the weights in place. After
/// the first batch a step allocates nothing on the managed heap. A model with one input and one
/// output is the one-element case of the lists.
/// </summary>
internal sealed class TrainStepPlan
{
    private readonly Tensor[] _ownX;
    private readonly Tensor[] _ownY;
    private readonly Tensor? _ownWeight;
    private readonly Variable[] _variables;
    // The trainable weights with a constraint, projected after every update as Keras's optimizer does.
    private readonly Variable[] _constrained;

    private readonly Model _model;
    private GradientTape? _tape;
    private Tensor?[] _grads = [];

    private TrainStepPlan(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, int count)
    {
        _model = model;
        Stamp = new StructureStamp(model);
        Optimizer = model.Optimizer!;
        _ownX = [.. x.Select(t => Tensor.NewLike(t.Shape.WithDim(0, count), t.DType))];
        _ownY = [.. y.Select(t => Tensor.NewLike(t.Shape.WithDim(0, count), t.DType))];
        X = [.. _ownX.Select(t => t.View(t.Shape))];
        Y = [.. _ownY.Select(t => t.View(t.Shape))];
        if (sampleWeight is not null)
        {
            _ownWeight = Tensor.NewLike(sampleWeight.Shape.WithDim(0, count), sampleWeight.DType);
            SampleWeight = _ownWeight.View(_ownWeight.Shape);
        }
        Count = count;
        _variables = [.. model.TrainableWeights];
        _constrained = [.. _variables.Where(v => v.Constraint is not null)];
    }

    /// <summary>The model's structure when the plan was made.</summary>
    public StructureStamp Stamp { get; }

    /// <summary>The optimizer the plan was made for.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Samples per batch.</summary>
    public int Count { get; }

    /// <summary>The input batch placeholders, one per model input.</summary>
    public Tensor[] X { get; }

    /// <summary>The target batch placeholders, one per model output.</summary>
    public Tensor[] Y { get; }

    /// <summary>The per-sample weight placeholder, when the plan was made for weighted batches.</summary>
    public Tensor? SampleWeight { get; }

    /// <summary>The model's outputs on the last batch.</summary>
    public Tensor[] Predictions { get; private set; } = [];

    /// <summary>The scalar total loss on the last batch.</summary>
    public Tensor Loss { get; private set; } = null!;

    /// <summary>The scalar loss of each output on the last batch (before loss weights).</summary>
    public Tensor[] OutputLosses { get; private set; } = [];

    /// <summary>The plan for batches of <paramref name="count"/> samples of x and y, made now if there is none or the model changed.</summary>
    public static TrainStepPlan For(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int count) => For(model, x, y, null, count);

    /// <summary>The plan for batches of <paramref name="count"/> samples of x and y with optional per-sample weights.</summary>
    public static TrainStepPlan For(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, int count)
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
            if (p.Count == count && Batches.SameSamples(p.X, x) && Batches.SameSamples(p.Y, y) && (p.SampleWeight is null) == (sampleWeight is null))
            {
                return p;
            }
        }
        // Build first so that the trainable weights exist before the tape starts watching them.
        if (x.Count == 1)
        {
            model.EnsureBuilt(x[0].Shape.WithDim(0, count));
        }
        var plan = new TrainStepPlan(model, x, y, sampleWeight, count);
        // Batches of other sizes are rare (the last one of an epoch); keep a few plans at most.
        if (plans.Count >= 4)
        {
            plans.RemoveAt(0);
        }
        plans.Add(plan);
        return plan;
    }

    /// <summary>The plan for batches of <paramref name="count"/> samples of a single-input, single-output model.</summary>
    public static TrainStepPlan For(Model model, Tensor x, Tensor y, int count)
    {
        // The lookup without wrapping x and y in lists, so that a replayed step allocates nothing.
        var plans = model.TrainPlans;
        if (plans.Count > 0 && ReferenceEquals(plans[^1].Optimizer, model.Optimizer) && plans[^1].Stamp.Matches(model))
        {
            foreach (var p in plans)
            {
                if (p.Count == count && p.X.Length == 1 && p.Y.Length == 1 && p.SampleWeight is null && Batches.SameSamples(p.X[0], x) && Batches.SameSamples(p.Y[0], y))
                {
                    return p;
                }
            }
        }
        return For(model, [x], [y], count);
    }

    /// <summary>Points the placeholders at rows [start, start + count) of the data, without copying.</summary>
    public void LoadSlice(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int start)
    {
        Batches.RebindRows(X, x, start);
        Batches.RebindRows(Y, y, start);
    }

    /// <summary>Points the placeholders (and the sample-weight one) at rows [start, start + count) of the data, without copying.</summary>
    public void LoadSlice(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, int start)
    {
        LoadSlice(x, y, start);
        if (SampleWeight is not null)
        {
            SampleWeight.RebindRows(sampleWeight!, start);
        }
    }

    /// <summary>Copies the rows at <paramref name="indices"/> of the data and of the sample weights into the plan's own buffers.</summary>
    public void LoadGather(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight, ReadOnlySpan<int> indices)
    {
        LoadGather(x, y, indices);
        if (SampleWeight is not null)
        {
            SampleWeight.Rebind(_ownWeight!);
            sampleWeight!.GatherInto(indices, SampleWeight);
        }
    }

    /// <summary>Points the placeholders of a single-input, single-output plan at rows [start, start + count).</summary>
    public void LoadSlice(Tensor x, Tensor y, int start)
    {
        X[0].RebindRows(x, start);
        Y[0].RebindRows(y, start);
    }

    /// <summary>Copies the rows at <paramref name="indices"/> into the plan's own buffers.</summary>
    public void LoadGather(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, ReadOnlySpan<int> indices)
    {
        Batches.GatherInto(X, _ownX, x, indices);
        Batches.GatherInto(Y, _ownY, y, indices);
    }

    /// <summary>Copies the rows at <paramref name="indices"/> of a single-input, single-output data set into the plan's own buffers.</summary>
    public void LoadGather(Tensor x, Tensor y, ReadOnlySpan<int> indices)
    {
        X[0].Rebind(_ownX[0]);
        Y[0].Rebind(_ownY[0]);
        x.GatherInto(indices, X[0]);
        y.GatherInto(indices, Y[0]);
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
            ApplyConstraints();
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
            // Non-trainable weights, and the batch, are watched too: everything computed from them
            // is recorded and replayed.
            foreach (var w in _model.NonTrainableWeights)
            {
                tape.Watch(w.Value);
            }
            foreach (var t in X)
            {
                tape.Watch(t);
            }
            foreach (var t in Y)
            {
                tape.Watch(t);
            }
            if (SampleWeight is not null)
            {
                tape.Watch(SampleWeight);
            }
            Predictions = Batches.CallModel(_model, X, training: true);
            // Through the model's ComputeLoss, so that an override and AddLoss terms are recorded and replayed too.
            (Loss, OutputLosses) = _model.ComputeLossWithParts(X, Y, Predictions, SampleWeight, training: true);
            // Keras's optimizer.scale_loss before differentiation; the optimizer divides the gradients back.
            var target = Optimizer.LossScaleFactor is double scale ? Ops.Multiply(Loss, Tensor.Scalar((float)scale)) : Loss;
            _grads = tape.Gradient(target, [.. _variables.Select(v => v.Value)]);
        }
        _tape = tape;
    }

    /// <summary>
    /// Runs forward and backward on the loaded batch and applies the optimizer; returns the loss before the update.
    /// Under data parallelism the gradients are first averaged across processes (<paramref name="globalCount"/> samples in all).
    /// </summary>
    public double Run(DataParallelContext? dataParallel = null, int globalCount = 0)
    {
        // Keras's run_eagerly: the step is computed afresh (recorded again) on every batch instead of replayed.
        if (_tape is null || !_tape.Replayable || _model.RunEagerly)
        {
            Record();
        }
        else
        {
            _tape.ReplayForward();
            _tape.ReplayBackward();
        }
        double loss = Loss.Item();
        if (dataParallel is null ? double.IsFinite(loss) : dataParallel.ReduceGradients(_grads, loss, Count, globalCount))
        {
            Optimizer.ApplyGradients(_grads, _variables);
            ApplyConstraints();
        }
        return loss;
    }

    private void ApplyConstraints()
    {
        foreach (var v in _constrained)
        {
            v.Constraint!.ApplyTo(v);
            v.MarkChanged();
        }
    }
}
