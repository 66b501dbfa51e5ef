using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Base of Precision and Recall: a ratio of the sample-weighted confusion counts at each threshold, with Keras's
/// <c>thresholds</c>, <c>top_k</c> and <c>class_id</c>; with several thresholds <see cref="ResultValues"/> gives one value each.
/// </summary>
public abstract class ConfusionRatioMetric : Metric
{
    private readonly ConfusionCounts _counts;
    private readonly double[]? _initThresholds;

    private protected ConfusionRatioMetric(double[]? thresholds, int? topK, int? classId, string name) : base(name)
    {
        _initThresholds = thresholds;
        TopK = topK;
        ClassId = classId;
        var parsed = ConfusionCounts.Thresholds(name, thresholds, topK is null ? 0.5 : double.NegativeInfinity);
        _counts = new ConfusionCounts(parsed, ConfusionCounts.Evenly(parsed));
    }

    /// <summary>Keep only the k highest predictions of each row (others count as negative).</summary>
    public int? TopK { get; }

    /// <summary>Score only this column.</summary>
    public int? ClassId { get; }

    /// <summary>The ratio at threshold <paramref name="i"/>.</summary>
    private protected abstract double Ratio(ConfusionCounts counts, int i);

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
    public override double Result() => Ratio(_counts, 0);

    /// <inheritdoc/>
    public override double[] ResultValues() => [.. Enumerable.Range(0, _counts.Count).Select(i => Ratio(_counts, i))];

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();
}
