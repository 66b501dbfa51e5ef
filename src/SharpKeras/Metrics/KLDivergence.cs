using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Kullback-Leibler divergence, sample-weighted (<c>keras.metrics.KLDivergence</c>).</summary>
public sealed class KLDivergence(string name = "kl_divergence") : SampleMeanMetric(name), IKerasSerializable<KLDivergence>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            double t = Math.Clamp(yTrue[i], Losses.Loss.Epsilon, 1.0);
            double p = Math.Clamp(yPred[i], Losses.Loss.Epsilon, 1.0);
            s += t * Math.Log(t / p);
        }
        return s;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static KLDivergence FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "kl_divergence");
}
