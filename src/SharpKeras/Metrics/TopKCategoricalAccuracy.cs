using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often the one-hot label's class is among the k highest predictions, sample-weighted (<c>keras.metrics.TopKCategoricalAccuracy</c>).</summary>
public sealed class TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : SampleMeanMetric(name), IKerasSerializable<TopKCategoricalAccuracy>
{
    /// <summary>How many of the highest predictions count.</summary>
    public int K { get; } = k > 0 ? k : throw new ArgumentOutOfRangeException(nameof(k), $"TopKCategoricalAccuracy: k must be positive, got {k}.");


    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["k"] = K;
        return c;
    }

    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => InTopK(yPred, ArgmaxRow(yTrue), K) ? 1 : 0;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static TopKCategoricalAccuracy FromConfig(JsonObject config) => new(Cfg.Int(config, "k", 5), Cfg.OptionalString(config, "name") ?? "top_k_categorical_accuracy");
}
