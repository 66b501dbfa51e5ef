using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Mean squared error, sample-weighted (<c>keras.metrics.MeanSquaredError</c>).</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error") : SampleMeanMetric(name), IKerasSerializable<MeanSquaredError>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            double d = (double)yTrue[i] - yPred[i];
            s += d * d;
        }
        return s / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static MeanSquaredError FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "mean_squared_error");
}
