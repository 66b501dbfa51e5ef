using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Squared hinge loss as a metric, sample-weighted (<c>keras.metrics.SquaredHinge</c>); 0/1 labels count as -1/+1.</summary>
public sealed class SquaredHinge(string name = "squared_hinge") : SampleMeanMetric(name), IKerasSerializable<SquaredHinge>
{
    private bool _binary;

    /// <inheritdoc/>
    protected override void BeginBatch(ReadOnlySpan<float> yTrue)
    {
        _binary = true;
        foreach (var t in yTrue)
        {
            if (t != 0 && t != 1)
            {
                _binary = false;
                break;
            }
        }
    }

    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double s = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            double t = _binary ? 2.0 * yTrue[i] - 1.0 : yTrue[i];
            double v = Math.Max(1.0 - t * yPred[i], 0.0);
            s += v * v;
        }
        return s / yPred.Length;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static SquaredHinge FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "squared_hinge");
}
