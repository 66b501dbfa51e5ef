using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often argmax(prediction) equals an integer label, sample-weighted (<c>keras.metrics.SparseCategoricalAccuracy</c>).</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : SampleMeanMetric(name), IKerasSerializable<SparseCategoricalAccuracy>
{
    /// <inheritdoc/>
    protected override bool SparseLabels => true;

    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => ArgmaxRow(yPred) == yTrue[0] ? 1 : 0;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static SparseCategoricalAccuracy FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "sparse_categorical_accuracy");
}
