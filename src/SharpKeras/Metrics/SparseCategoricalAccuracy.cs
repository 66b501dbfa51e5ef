using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often argmax(prediction) equals an integer label (Keras's sparse_categorical_accuracy).</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanAccuracy(name), IKerasSerializable<SparseCategoricalAccuracy>
{
    /// <inheritdoc/>
    protected override (long, long) Matches(Tensor yTrue, Tensor yPred)
    {
        var p = yPred.IsFloat ? yPred : yPred.Cast(DType.Float32);
        int classes = p.Shape[-1];
        int rows = p.Length / Math.Max(1, classes);
        var ps = p.Span;
        long correct = 0;
        for (int i = 0; i < rows; i++)
        {
            if (ArgmaxRow(ps.Slice(i * classes, classes)) == (int)yTrue.GetFloat(i))
            {
                correct++;
            }
        }
        return (correct, rows);
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static SparseCategoricalAccuracy FromConfig(JsonObject config) => new(Cfg.String(config, "name", "sparse_categorical_accuracy"));
}
