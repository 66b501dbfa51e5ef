using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The best recall among thresholds where precision &gt;= the given value, from weighted confusion counts at evenly spaced thresholds (<c>keras.metrics.RecallAtPrecision</c>).</summary>
public sealed class RecallAtPrecision : SensitivitySpecificityBase, IKerasSerializable<RecallAtPrecision>
{
    /// <summary>Creates the metric for a precision of at least <paramref name="precision"/>.</summary>
    public RecallAtPrecision(double precision, int numThresholds = 200, int? classId = null, string name = "recall_at_precision")
        : base("precision", precision, numThresholds, classId, name)
    {
        Precision = precision;
    }

    /// <summary>The required precision.</summary>
    public double Precision { get; }

    private protected override (double Constrained, double Objective) Pick(Rates r) => (r.Precision, r.Sensitivity);

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static RecallAtPrecision FromConfig(JsonObject config) => new(Cfg.Double(config, "precision"), Cfg.Int(config, "num_thresholds", 200), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "recall_at_precision");
}
