using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Categorical hinge loss as a metric, sample-weighted (<c>keras.metrics.CategoricalHinge</c>).</summary>
public sealed class CategoricalHinge(string name = "categorical_hinge") : SampleMeanMetric(name), IKerasSerializable<CategoricalHinge>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double pos = 0, neg = double.NegativeInfinity;
        for (int i = 0; i < yPred.Length; i++)
        {
            pos += (double)yTrue[i] * yPred[i];
            neg = Math.Max(neg, (1.0 - yTrue[i]) * yPred[i]);
        }
        return Math.Max(neg - pos + 1.0, 0.0);
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalHinge FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "categorical_hinge");
}
