using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>The sample-weighted count of false negatives (<c>keras.metrics.FalseNegatives</c>); with several thresholds <see cref="ResultValues"/> gives one count each.</summary>
public sealed class FalseNegatives : Metric, IKerasSerializable<FalseNegatives>
{
    private readonly ConfusionCounts _counts;
    private readonly double[]? _initThresholds;

    /// <summary>Creates the metric: predictions above a threshold (default 0.5) count as positive.</summary>
    public FalseNegatives(double[]? thresholds = null, string name = "false_negatives") : base(name)
    {
        _initThresholds = thresholds;
        var parsed = ConfusionCounts.Thresholds(name, thresholds, 0.5);
        _counts = new ConfusionCounts(parsed, ConfusionCounts.Evenly(parsed));
    }

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
    public override double Result() => _counts.Fn[0];

    /// <inheritdoc/>
    public override double[] ResultValues() => [.. _counts.Fn];

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static FalseNegatives FromConfig(JsonObject config) => new(ConfusionCounts.ThresholdsOf(config), Cfg.OptionalString(config, "name") ?? "false_negatives");
}
