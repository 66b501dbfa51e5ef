using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Mean absolute percentage error, sample-weighted (<c>keras.metrics.MeanAbsolutePercentageError</c>).</summary>
public sealed class MeanAbsolutePercentageError(string name = "mean_absolute_percentage_error") : SampleMeanMetric(name), IKerasSerializable<MeanAbsolutePercentageError>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            s += Math.Abs(((double)yTrue[i] - yPred[i]) / Math.Max(Math.Abs((double)yTrue[i]), Losses.Loss.Epsilon));
        }
        return 100 * s / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static MeanAbsolutePercentageError FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "mean_absolute_percentage_error");
}
