using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The sample-weighted count of true negatives (<c>keras.metrics.TrueNegatives</c>); with several thresholds <see cref="Metric.ResultValues"/> gives one count each.</summary>
public sealed class TrueNegatives : ConfusionCountMetric, IKerasSerializable<TrueNegatives>
{
    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive.</summary>
    public TrueNegatives(double[]? thresholds = null, string name = "true_negatives") : base(thresholds, name)
    {
    }

    private protected override double[] Cell(ConfusionCounts counts) => counts.Tn;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static TrueNegatives FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalString(config, "name") ?? "true_negatives");
}
