using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Fraction of positives predicted positive, sample-weighted (<c>keras.metrics.Recall</c>); with several thresholds <see cref="Metric.ResultValues"/> gives one value each.</summary>
public sealed class Recall : ConfusionRatioMetric, IKerasSerializable<Recall>
{
    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive; <paramref name="topK"/> and <paramref name="classId"/> as Keras.</summary>
    public Recall(double[]? thresholds = null, int? topK = null, int? classId = null, string name = "recall") : base(thresholds, topK, classId, name)
    {
    }

    /// <summary>Creates the metric with one threshold.</summary>
    public Recall(double threshold, string name = "recall") : this([threshold], null, null, name)
    {
    }

    private protected override double Ratio(ConfusionCounts counts, int i) => ConfusionCounts.DivideNoNan(counts.Tp[i], counts.Tp[i] + counts.Fn[i]);

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static Recall FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalInt(config, "top_k"), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "recall");
}
