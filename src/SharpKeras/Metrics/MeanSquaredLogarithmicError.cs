using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Mean squared logarithmic error, sample-weighted (<c>keras.metrics.MeanSquaredLogarithmicError</c>).</summary>
public sealed class MeanSquaredLogarithmicError(string name = "mean_squared_logarithmic_error") : SampleMeanMetric(name), IKerasSerializable<MeanSquaredLogarithmicError>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            double d = Math.Log(Math.Max(yPred[i], Losses.Loss.Epsilon) + 1.0) - Math.Log(Math.Max(yTrue[i], Losses.Loss.Epsilon) + 1.0);
            s += d * d;
        }
        return s / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static MeanSquaredLogarithmicError FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "mean_squared_logarithmic_error");
}
