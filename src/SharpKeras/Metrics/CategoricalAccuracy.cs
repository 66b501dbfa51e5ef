using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often argmax(prediction) equals argmax(one-hot label) (Keras's categorical_accuracy).</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : MeanAccuracy(name), IKerasSerializable<CategoricalAccuracy>
{
    /// <inheritdoc/>
    protected override (long, long) Matches(Tensor yTrue, Tensor yPred)
    {
        var p = yPred.IsFloat ? yPred : yPred.Cast(DType.Float32);
        var t = yTrue.IsFloat ? yTrue : yTrue.Cast(DType.Float32);
        int classes = p.Shape[-1];
        int rows = p.Length / Math.Max(1, classes);
        var ps = p.Span;
        var ts = t.Span;
        long correct = 0;
        for (int i = 0; i < rows; i++)
        {
            if (ArgmaxRow(ps.Slice(i * classes, classes)) == ArgmaxRow(ts.Slice(i * classes, classes)))
            {
                correct++;
            }
        }
        return (correct, rows);
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalAccuracy FromConfig(JsonObject config) => new(Cfg.String(config, "name", "categorical_accuracy"));
}
