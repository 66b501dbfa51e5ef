using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Mean absolute error, sample-weighted (<c>keras.metrics.MeanAbsoluteError</c>).</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : SampleMeanMetric(name), IKerasSerializable<MeanAbsoluteError>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            s += Math.Abs((double)yTrue[i] - yPred[i]);
        }
        return s / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static MeanAbsoluteError FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "mean_absolute_error");
}
