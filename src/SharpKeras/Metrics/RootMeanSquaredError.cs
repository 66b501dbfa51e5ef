using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Square root of the sample-weighted mean squared error (<c>keras.metrics.RootMeanSquaredError</c>).</summary>
public sealed class RootMeanSquaredError(string name = "root_mean_squared_error") : SampleMeanMetric(name), IKerasSerializable<RootMeanSquaredError>
{
    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            double d = (double)yPred[i] - yTrue[i];
            s += d * d;
        }
        return s / yPred.Length;
    }

    /// <inheritdoc/>
    public override double Result() => Math.Sqrt(base.Result());

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static RootMeanSquaredError FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "root_mean_squared_error");
}
