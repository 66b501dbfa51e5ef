using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often (prediction &gt; threshold) equals a 0/1 label, sample-weighted (<c>keras.metrics.BinaryAccuracy</c>).</summary>
public sealed class BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5) : SampleMeanMetric(name), IKerasSerializable<BinaryAccuracy>
{
    private readonly float _threshold = (float)threshold;

    /// <summary>Predictions above it count as 1.</summary>
    public double Threshold => threshold;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["threshold"] = Threshold;
        return c;
    }

    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        int correct = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            if ((yPred[i] > _threshold ? 1f : 0f) == yTrue[i])
            {
                correct++;
            }
        }
        return (double)correct / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static BinaryAccuracy FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "binary_accuracy", Cfg.Double(config, "threshold", 0.5));
}
