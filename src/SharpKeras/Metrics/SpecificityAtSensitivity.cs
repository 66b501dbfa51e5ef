using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The best specificity among thresholds where sensitivity &gt;= the given value, from weighted confusion counts at evenly spaced thresholds (<c>keras.metrics.SpecificityAtSensitivity</c>).</summary>
public sealed class SpecificityAtSensitivity : SensitivitySpecificityBase, IKerasSerializable<SpecificityAtSensitivity>
{
    /// <summary>Creates the metric for a sensitivity of at least <paramref name="sensitivity"/>.</summary>
    public SpecificityAtSensitivity(double sensitivity, int numThresholds = 200, int? classId = null, string name = "specificity_at_sensitivity")
        : base("sensitivity", sensitivity, numThresholds, classId, name)
    {
        Sensitivity = sensitivity;
    }

    /// <summary>The required sensitivity.</summary>
    public double Sensitivity { get; }

    private protected override (double Constrained, double Objective) Pick(Rates r) => (r.Sensitivity, r.Specificity);

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static SpecificityAtSensitivity FromConfig(JsonObject config) => new(Cfg.Double(config, "sensitivity"), Cfg.Int(config, "num_thresholds", 200), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "specificity_at_sensitivity");
}
