using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Base of the metrics that report one cell of the sample-weighted confusion counts (Keras's
/// <c>_ConfusionMatrixConditionCount</c>: TruePositives, FalsePositives, TrueNegatives, FalseNegatives);
/// with several thresholds <see cref="ResultValues"/> gives one count each.
/// </summary>
public abstract class ConfusionCountMetric : Metric
{
    private readonly ConfusionCounts _counts;
    private readonly double[]? _initThresholds;

    private protected ConfusionCountMetric(double[]? thresholds, string name) : base(name)
    {
        _initThresholds = thresholds;
        var parsed = ConfusionCounts.Thresholds(name, thresholds, 0.5);
        _counts = new ConfusionCounts(parsed, ConfusionCounts.Evenly(parsed));
    }

    /// <summary>The counted cell, one value per threshold.</summary>
    private protected abstract double[] Cell(ConfusionCounts counts);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["thresholds"] = ConfusionCounts.ThresholdsNode(_initThresholds);
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => _counts.Update(Name, yTrue, yPred, sampleWeight);

    /// <inheritdoc/>
    public override double Result() => Cell(_counts)[0];

    /// <inheritdoc/>
    public override double[] ResultValues() => [.. Cell(_counts)];

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();
}
