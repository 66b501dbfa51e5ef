using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The best precision among thresholds where recall &gt;= the given value, from weighted confusion counts at evenly spaced thresholds (<c>keras.metrics.PrecisionAtRecall</c>).</summary>
public sealed class PrecisionAtRecall : SensitivitySpecificityBase, IKerasSerializable<PrecisionAtRecall>
{
    /// <summary>Creates the metric for a recall of at least <paramref name="recall"/>.</summary>
    public PrecisionAtRecall(double recall, int numThresholds = 200, int? classId = null, string name = "precision_at_recall")
        : base("recall", recall, numThresholds, classId, name)
    {
        Recall = recall;
    }

    /// <summary>The required recall.</summary>
    public double Recall { get; }

    private protected override (double Constrained, double Objective) Pick(Rates r) => (r.Sensitivity, r.Precision);

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static PrecisionAtRecall FromConfig(JsonObject config) => new(Cfg.Double(config, "recall"), Cfg.Int(config, "num_thresholds", 200), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "precision_at_recall");
}
