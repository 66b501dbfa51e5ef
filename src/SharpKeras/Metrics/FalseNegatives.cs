using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The sample-weighted count of false negatives (<c>keras.metrics.FalseNegatives</c>); with several thresholds <see cref="Metric.ResultValues"/> gives one count each.</summary>
public sealed class FalseNegatives : ConfusionCountMetric, IKerasSerializable<FalseNegatives>
{
    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive.</summary>
    public FalseNegatives(double[]? thresholds = null, string name = "false_negatives") : base(thresholds, name)
    {
    }

    private protected override double[] Cell(ConfusionCounts counts) => counts.Fn;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static FalseNegatives FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalString(config, "name") ?? "false_negatives");
}
