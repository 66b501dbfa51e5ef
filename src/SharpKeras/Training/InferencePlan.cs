using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// The inference forward pass (and, for Evaluate, the loss) recorded once per batch shape and
/// replayed for every later batch: Predict and Evaluate then reuse the same buffers instead of
/// allocating each layer's output for every batch.
/// </summary>
internal sealed class InferencePlan
{
    private readonly Model _model;
    private readonly Tensor _ownX;
    private readonly Tensor? _ownY;
    private GradientTape? _tape;

    private InferencePlan(Model model, Shape xShape, DType xType, Shape? yShape, DType yType)
    {
        _model = model;
        Stamp = new StructureStamp(model);
        _ownX = Tensor.NewLike(xShape, xType);
        X = _ownX.View(xShape);
        if (yShape is not null)
        {
            _ownY = Tensor.NewLike(yShape, yType);
            Y = _ownY.View(yShape);
        }
    }

    /// <summary>The model's structure when the plan was made.</summary>
    public StructureStamp Stamp { get; }

    /// <summary>The input batch placeholder.</summary>
    public Tensor X { get; }

    /// <summary>The target batch placeholder (Evaluate only).</summary>
    public Tensor? Y { get; }

    /// <summary>The model's output on the last batch.</summary>
    public Tensor Predictions { get; private set; } = null!;

    /// <summary>The scalar loss on the last batch (Evaluate only).</summary>
    public Tensor? Loss { get; private set; }

    /// <summary>The plan for batches of <paramref name="count"/> rows of x (and y when evaluating).</summary>
    public static InferencePlan For(Model model, Tensor x, Tensor? y, int count)
    {
        var plans = model.InferencePlans;
        for (int i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            if (!p.Stamp.Matches(model))
            {
                plans.Clear();
                break;
            }
            if (p.X.Shape[0] == count && SameSamples(p.X, x) && (y is null ? p.Y is null : p.Y is not null && SameSamples(p.Y, y) && ReferenceEquals(p._lossFn, model.Loss)))
            {
                return p;
            }
        }
        var plan = new InferencePlan(model, x.Shape.WithDim(0, count), x.DType, y?.Shape.WithDim(0, count), y?.DType ?? DType.Float32)
        {
            _lossFn = y is null ? null : model.Loss,
        };
        if (plans.Count >= 4)
        {
            plans.RemoveAt(0);
        }
        plans.Add(plan);
        return plan;
    }

    private Losses.Loss? _lossFn;

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
    public void LoadSlice(Tensor x, Tensor? y, int start)
    {
        X.RebindRows(x, start);
        if (y is not null)
        {
            Y!.RebindRows(y, start);
        }
    }

    /// <summary>Runs the forward pass (and loss) on the loaded batch.</summary>
    public void Run()
    {
        if (_tape is { Replayable: true })
        {
            _tape.ReplayForward();
            return;
        }
        var tape = new GradientTape();
        using (tape)
        {
            tape.Watch(X);
            if (Y is not null)
            {
                tape.Watch(Y);
            }
            Predictions = _model.Apply(X, training: false);
            if (Y is not null)
            {
                Loss = _lossFn!.Compute(Y, Predictions);
            }
        }
        _tape = tape;
    }
}
