using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>How often (prediction &gt; threshold) equals a 0/1 label (Keras's binary_accuracy).</summary>
public sealed class BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5) : MeanAccuracy(name), IKerasSerializable<BinaryAccuracy>
{
    /// <summary>Predictions above it count as 1.</summary>
    public double Threshold => threshold;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["threshold"] = Threshold;
        return c;
    }

    /// <inheritdoc/>
    protected override (long, long) Matches(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Length != yPred.Length)
        {
            throw new ArgumentException($"{Name}: targets of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}.");
        }
        long correct = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            float pred = yPred.GetFloat(i) > threshold ? 1f : 0f;
            if (pred == yTrue.GetFloat(i))
            {
                correct++;
            }
        }
        return (correct, yPred.Length);
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static BinaryAccuracy FromConfig(JsonObject config) => new(Cfg.String(config, "name", "binary_accuracy"), Cfg.Double(config, "threshold", 0.5));
}
