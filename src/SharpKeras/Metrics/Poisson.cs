using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Poisson loss as a metric, sample-weighted (<c>keras.metrics.Poisson</c>).</summary>
public sealed class Poisson(string name = "poisson") : SampleMeanMetric(name), IKerasSerializable<Poisson>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            s += yPred[i] - yTrue[i] * Math.Log(yPred[i] + (double)Losses.Loss.Epsilon);
        }
        return s / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static Poisson FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "poisson");
}
