using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Fraction of positives predicted positive, sample-weighted (<c>keras.metrics.Recall</c>); with several thresholds <see cref="ResultValues"/> gives one value each.</summary>
public sealed class Recall : Metric, IKerasSerializable<Recall>
{
    private readonly ConfusionCounts _counts;
    private readonly double[]? _initThresholds;

    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive; <paramref name="topK"/> and <paramref name="classId"/> as Keras.</summary>
    public Recall(double[]? thresholds = null, int? topK = null, int? classId = null, string name = "recall") : base(name)
    {
        _initThresholds = thresholds;
        TopK = topK;
        ClassId = classId;
        var parsed = ConfusionCounts.Thresholds(name, thresholds, topK is null ? 0.5 : double.NegativeInfinity);
        _counts = new ConfusionCounts(parsed, ConfusionCounts.Evenly(parsed));
    }

    /// <summary>Creates the metric with one threshold.</summary>
    public Recall(double threshold, string name = "recall") : this([threshold], null, null, name)
    {
    }

    /// <summary>Keep only the k highest predictions of each row (others count as negative).</summary>
    public int? TopK { get; }

    /// <summary>Score only this column.</summary>
    public int? ClassId { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["thresholds"] = ConfusionCounts.ThresholdsNode(_initThresholds);
        c["top_k"] = TopK;
        c["class_id"] = ClassId;
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => _counts.Update(Name, yTrue, yPred, sampleWeight, TopK, ClassId);

    /// <inheritdoc/>
    public override double Result() => Value(0);

    /// <inheritdoc/>
    public override double[] ResultValues() => [.. Enumerable.Range(0, _counts.Count).Select(Value)];

    private double Value(int i) => ConfusionCounts.DivideNoNan(_counts.Tp[i], _counts.Tp[i] + _counts.Fn[i]);

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static Recall FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalInt(config, "top_k"), Cfg.OptionalInt(config, "class_id"),
        Cfg.OptionalString(config, "name") ?? "recall");
}
