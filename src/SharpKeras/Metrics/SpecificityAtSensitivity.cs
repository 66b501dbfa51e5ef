using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The best specificity among thresholds where sensitivity &gt;= the given value, from weighted confusion counts at <see cref="NumThresholds"/> evenly spaced thresholds (<c>keras.metrics.SpecificityAtSensitivity</c>).</summary>
public sealed class SpecificityAtSensitivity : Metric, IKerasSerializable<SpecificityAtSensitivity>
{
    private readonly ConfusionCounts _counts;

    /// <summary>Creates the metric for a sensitivity of at least <paramref name="sensitivity"/>.</summary>
    public SpecificityAtSensitivity(double sensitivity, int numThresholds = 200, int? classId = null, string name = "specificity_at_sensitivity") : base(name)
    {
        if (!(sensitivity >= 0 && sensitivity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivity), $"SpecificityAtSensitivity '{name}': sensitivity must be in [0, 1], got {sensitivity}.");
        }
        if (numThresholds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numThresholds), $"SpecificityAtSensitivity '{name}': num_thresholds must be greater than 0, got {numThresholds}.");
        }
        Sensitivity = sensitivity;
        NumThresholds = numThresholds;
        ClassId = classId;
        _counts = ConfusionCounts.ForSearch(numThresholds);
    }

    /// <summary>The required sensitivity.</summary>
    public double Sensitivity { get; }

    /// <summary>How many thresholds the counts are kept at.</summary>
    public int NumThresholds { get; }

    /// <summary>Score only this column.</summary>
    public int? ClassId { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["class_id"] = ClassId;
        c["num_thresholds"] = NumThresholds;
        c["sensitivity"] = Sensitivity;
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => _counts.Update(Name, yTrue, yPred, sampleWeight, classId: ClassId);

    /// <inheritdoc/>
    public override double Result()
    {
        double best = 0;
        for (int i = 0; i < _counts.Count; i++)
        {
            double tp = _counts.Tp[i], fp = _counts.Fp[i], tn = _counts.Tn[i], fn = _counts.Fn[i];
            double sensitivity = ConfusionCounts.DivideNoNan(tp, tp + fn);
            double specificity = ConfusionCounts.DivideNoNan(tn, tn + fp);
            double precision = ConfusionCounts.DivideNoNan(tp, tp + fp);
            if (sensitivity >= (float)Sensitivity)
            {
                best = Math.Max(best, specificity);
            }
        }
        return best;
    }

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static SpecificityAtSensitivity FromConfig(JsonObject config) => new(Cfg.Double(config, "sensitivity"), Cfg.Int(config, "num_thresholds", 200), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "specificity_at_sensitivity");
}
