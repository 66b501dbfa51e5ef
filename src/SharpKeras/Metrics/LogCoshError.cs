using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Mean of log(cosh(prediction - target)), sample-weighted (<c>keras.metrics.LogCoshError</c>).</summary>
public sealed class LogCoshError(string name = "logcosh") : SampleMeanMetric(name), IKerasSerializable<LogCoshError>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            double x = (double)yPred[i] - yTrue[i];
            // x + softplus(-2x) - log 2, the overflow-free form Keras uses.
            double z = -2 * x;
            s += x + Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - Math.Log(2.0);
        }
        return s / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static LogCoshError FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "logcosh");
}
