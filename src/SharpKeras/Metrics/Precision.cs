using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Fraction of predicted positives that are positive, sample-weighted (<c>keras.metrics.Precision</c>); with several thresholds <see cref="Metric.ResultValues"/> gives one value each.</summary>
public sealed class Precision : ConfusionRatioMetric, IKerasSerializable<Precision>
{
    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive; <paramref name="topK"/> and <paramref name="classId"/> as Keras.</summary>
    public Precision(double[]? thresholds = null, int? topK = null, int? classId = null, string name = "precision") : base(thresholds, topK, classId, name)
    {
    }

    /// <summary>Creates the metric with one threshold.</summary>
    public Precision(double threshold, string name = "precision") : this([threshold], null, null, name)
    {
    }

    private protected override double Ratio(ConfusionCounts counts, int i) => ConfusionCounts.DivideNoNan(counts.Tp[i], counts.Tp[i] + counts.Fp[i]);

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static Precision FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalInt(config, "top_k"), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "precision");
}
