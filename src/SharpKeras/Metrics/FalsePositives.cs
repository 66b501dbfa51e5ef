using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The sample-weighted count of false positives (<c>keras.metrics.FalsePositives</c>); with several thresholds <see cref="Metric.ResultValues"/> gives one count each.</summary>
public sealed class FalsePositives : ConfusionCountMetric, IKerasSerializable<FalsePositives>
{
    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive.</summary>
    public FalsePositives(double[]? thresholds = null, string name = "false_positives") : base(thresholds, name)
    {
    }

    private protected override double[] Cell(ConfusionCounts counts) => counts.Fp;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static FalsePositives FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalString(config, "name") ?? "false_positives");
}
