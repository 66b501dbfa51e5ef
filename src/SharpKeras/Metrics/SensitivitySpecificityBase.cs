using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Base of the metrics that maximise one rate of the confusion counts subject to a floor on another
/// (Keras's <c>SensitivitySpecificityBase</c>: PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
/// SpecificityAtSensitivity), from weighted counts at <see cref="NumThresholds"/> evenly spaced thresholds.
/// </summary>
public abstract class SensitivitySpecificityBase : Metric
{
    private readonly ConfusionCounts _counts;
    private readonly string _constraintKey;
    private readonly double _floor;

    /// <summary>The confusion rates at one threshold that a subclass picks its constraint and objective from.</summary>
    private protected readonly record struct Rates(double Sensitivity, double Specificity, double Precision);

    private protected SensitivitySpecificityBase(string constraintKey, double floor, int numThresholds, int? classId, string name) : base(name)
    {
        if (!(floor >= 0 && floor <= 1))
        {
            throw new ArgumentOutOfRangeException(constraintKey, $"{GetType().Name} '{name}': {constraintKey} must be in [0, 1], got {floor}.");
        }
        if (numThresholds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numThresholds), $"{GetType().Name} '{name}': num_thresholds must be greater than 0, got {numThresholds}.");
        }
        _constraintKey = constraintKey;
        _floor = floor;
        NumThresholds = numThresholds;
        ClassId = classId;
        _counts = ConfusionCounts.ForSearch(numThresholds);
    }

    /// <summary>How many thresholds the counts are kept at.</summary>
    public int NumThresholds { get; }

    /// <summary>Score only this column.</summary>
    public int? ClassId { get; }

    /// <summary>The rate held to the floor (Keras's constrained value) and the rate maximised, at one threshold.</summary>
    private protected abstract (double Constrained, double Objective) Pick(Rates rates);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["class_id"] = ClassId;
        c["num_thresholds"] = NumThresholds;
        c[_constraintKey] = _floor;
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => _counts.Update(Name, yTrue, yPred, sampleWeight, classId: ClassId);

    /// <inheritdoc/>
    public override double Result()
    {
        // Keras's _find_max_under_constraint: the largest objective over the feasible thresholds, 0 when none is.
        double best = 0;
        for (int i = 0; i < _counts.Count; i++)
        {
            double tp = _counts.Tp[i], fp = _counts.Fp[i], tn = _counts.Tn[i], fn = _counts.Fn[i];
            var (constrained, objective) = Pick(new Rates(
                ConfusionCounts.DivideNoNan(tp, tp + fn), ConfusionCounts.DivideNoNan(tn, tn + fp), ConfusionCounts.DivideNoNan(tp, tp + fp)));
            if (constrained >= (float)_floor)
            {
                best = Math.Max(best, objective);
            }
        }
        return best;
    }

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();
}
