using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The best sensitivity among thresholds where specificity &gt;= the given value, from weighted confusion counts at evenly spaced thresholds (<c>keras.metrics.SensitivityAtSpecificity</c>).</summary>
public sealed class SensitivityAtSpecificity : SensitivitySpecificityBase, IKerasSerializable<SensitivityAtSpecificity>
{
    /// <summary>Creates the metric for a specificity of at least <paramref name="specificity"/>.</summary>
    public SensitivityAtSpecificity(double specificity, int numThresholds = 200, int? classId = null, string name = "sensitivity_at_specificity")
        : base("specificity", specificity, numThresholds, classId, name)
    {
        Specificity = specificity;
    }

    /// <summary>The required specificity.</summary>
    public double Specificity { get; }

    private protected override (double Constrained, double Objective) Pick(Rates r) => (r.Specificity, r.Sensitivity);

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static SensitivityAtSpecificity FromConfig(JsonObject config) => new(Cfg.Double(config, "specificity"), Cfg.Int(config, "num_thresholds", 200), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "sensitivity_at_specificity");
}
