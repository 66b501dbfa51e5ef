using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often argmax(prediction) equals argmax(one-hot label), sample-weighted (<c>keras.metrics.CategoricalAccuracy</c>).</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : SampleMeanMetric(name), IKerasSerializable<CategoricalAccuracy>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        return ArgmaxRow(yTrue) == ArgmaxRow(yPred) ? 1 : 0;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalAccuracy FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "categorical_accuracy");
}
