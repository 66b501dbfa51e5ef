using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The sample-weighted count of true positives (<c>keras.metrics.TruePositives</c>); with several thresholds <see cref="Metric.ResultValues"/> gives one count each.</summary>
public sealed class TruePositives : ConfusionCountMetric, IKerasSerializable<TruePositives>
{
    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive.</summary>
    public TruePositives(double[]? thresholds = null, string name = "true_positives") : base(thresholds, name)
    {
    }

    private protected override double[] Cell(ConfusionCounts counts) => counts.Tp;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static TruePositives FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalString(config, "name") ?? "true_positives");
}
