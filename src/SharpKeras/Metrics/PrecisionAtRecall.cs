using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The best precision among thresholds where recall &gt;= the given value, from weighted confusion counts at <see cref="NumThresholds"/> evenly spaced thresholds (<c>keras.metrics.PrecisionAtRecall</c>).</summary>
public sealed class PrecisionAtRecall : Metric, IKerasSerializable<PrecisionAtRecall>
{
    private readonly ConfusionCounts _counts;

    /// <summary>Creates the metric for a recall of at least <paramref name="recall"/>.</summary>
    public PrecisionAtRecall(double recall, int numThresholds = 200, int? classId = null, string name = "precision_at_recall") : base(name)
    {
        if (!(recall >= 0 && recall <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(recall), $"PrecisionAtRecall '{name}': recall must be in [0, 1], got {recall}.");
        }
        if (numThresholds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numThresholds), $"PrecisionAtRecall '{name}': num_thresholds must be greater than 0, got {numThresholds}.");
        }
        Recall = recall;
        NumThresholds = numThresholds;
        ClassId = classId;
        _counts = ConfusionCounts.ForSearch(numThresholds);
    }

    /// <summary>The required recall.</summary>
    public double Recall { get; }

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
        c["recall"] = Recall;
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
            if (sensitivity >= (float)Recall)
            {
                best = Math.Max(best, precision);
            }
        }
        return best;
    }

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static PrecisionAtRecall FromConfig(JsonObject config) => new(Cfg.Double(config, "recall"), Cfg.Int(config, "num_thresholds", 200), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "precision_at_recall");
}
