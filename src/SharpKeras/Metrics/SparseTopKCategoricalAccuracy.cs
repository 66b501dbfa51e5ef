using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often the integer label is among the k highest predictions, sample-weighted (<c>keras.metrics.SparseTopKCategoricalAccuracy</c>).</summary>
public sealed class SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy") : SampleMeanMetric(name), IKerasSerializable<SparseTopKCategoricalAccuracy>
{
    /// <summary>How many of the highest predictions count.</summary>
    public int K { get; } = k > 0 ? k : throw new ArgumentOutOfRangeException(nameof(k), $"SparseTopKCategoricalAccuracy: k must be positive, got {k}.");

    /// <inheritdoc/>
    protected override bool SparseLabels => true;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["k"] = K;
        return c;
    }

    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => InTopK(yPred, (int)yTrue[0], K) ? 1 : 0;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static SparseTopKCategoricalAccuracy FromConfig(JsonObject config) => new(Cfg.Int(config, "k", 5), Cfg.OptionalString(config, "name") ?? "sparse_top_k_categorical_accuracy");
}
