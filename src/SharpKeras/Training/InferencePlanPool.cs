using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// A model's idle inference plans. Each Predict / Evaluate batch rents a plan for its batch shape,
/// so no two calls ever share buffers, and gives it back for the next call to replay; under
/// concurrent use the pool grows to as many plans per shape as calls overlap, and is trimmed to a
/// bound that follows the most calls seen at once.
/// </summary>
internal sealed class InferencePlanPool
{
    private readonly object _gate = new();
    private readonly object _buildGate = new();
    private readonly List<InferencePlan> _idle = [];
    private int _generation;
    private int _rented;
    private int _peakRented;

    /// <summary>A plan for batches of <paramref name="count"/> rows of x (and y when evaluating), used by the caller alone until <see cref="Return"/>.</summary>
    public InferencePlan Rent(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, int count) => Rent(model, x, y, null, count);

    /// <summary>An idle plan for this batch shape, with or without per-sample weights, or a new one.</summary>
    public InferencePlan Rent(Model model, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor>? y, Tensor? sampleWeight, int count)
    {
        int generation;
        lock (_gate)
        {
            _rented++;
            _peakRented = Math.Max(_peakRented, _rented);
            for (int i = _idle.Count - 1; i >= 0; i--)
            {
                var p = _idle[i];
                if (!p.Stamp.Matches(model))
                {
                    _idle.Clear();
                    break;
                }
                if (p.Fits(model, x, y, sampleWeight, count))
                {
                    _idle.RemoveAt(i);
                    return p;
                }
            }
            generation = _generation;
        }
        if (!model.Built && x.Count == 1)
        {
            // A model built by its first call makes its weights then: one caller builds, the others wait.
            lock (_buildGate)
            {
                model.EnsureBuilt(x[0].Shape.WithDim(0, count));
            }
        }
        return InferencePlan.Create(model, x, y, sampleWeight, count, generation);
    }

    /// <summary>Gives a rented plan back for later calls (dropped when the model was recompiled since it was made).</summary>
    public void Return(InferencePlan plan)
    {
        lock (_gate)
        {
            _rented--;
            if (plan.Generation != _generation)
            {
                return;
            }
            // A few shapes (the full batch and the last partial one) per call that ran at once.
            if (_idle.Count >= 4 * Math.Max(1, _peakRented))
            {
                _idle.RemoveAt(0);
            }
            _idle.Add(plan);
        }
    }

    /// <summary>Drops every idle plan; plans rented now are dropped when given back.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _idle.Clear();
            _generation++;
        }
    }
}
