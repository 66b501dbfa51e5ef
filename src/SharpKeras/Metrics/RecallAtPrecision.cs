using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The best recall among thresholds where precision &gt;= the given value, from weighted confusion counts at <see cref="NumThresholds"/> evenly spaced thresholds (<c>keras.metrics.RecallAtPrecision</c>).</summary>
public sealed class RecallAtPrecision : Metric, IKerasSerializable<RecallAtPrecision>
{
    private readonly ConfusionCounts _counts;

    /// <summary>Creates the metric for a precision of at least <paramref name="precision"/>.</summary>
    public RecallAtPrecision(double precision, int numThresholds = 200, int? classId = null, string name = "recall_at_precision") : base(name)
    {
        if (!(precision >= 0 && precision <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), $"RecallAtPrecision '{name}': precision must be in [0, 1], got {precision}.");
        }
        if (numThresholds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numThresholds), $"RecallAtPrecision '{name}': num_thresholds must be greater than 0, got {numThresholds}.");
        }
        Precision = precision;
        NumThresholds = numThresholds;
        ClassId = classId;
        _counts = ConfusionCounts.ForSearch(numThresholds);
    }

    /// <summary>The required precision.</summary>
    public double Precision { get; }

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
        c["precision"] = Precision;
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
            if (precision >= (float)Precision)
            {
                best = Math.Max(best, sensitivity);
            }
        }
        return best;
    }

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static RecallAtPrecision FromConfig(JsonObject config) => new(Cfg.Double(config, "precision"), Cfg.Int(config, "num_thresholds", 200), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "recall_at_precision");
}
