using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Cosine similarity of targets and predictions along the last axis, sample-weighted (<c>keras.metrics.CosineSimilarity</c>).</summary>
public sealed class CosineSimilarity(string name = "cosine_similarity", int axis = -1) : SampleMeanMetric(name), IKerasSerializable<CosineSimilarity>
{
    /// <summary>The axis the similarity is taken along (only the last axis, -1, is supported).</summary>
    public int Axis { get; } = axis == -1 ? -1 : throw new NotSupportedException($"CosineSimilarity metric: axis={axis} is not supported; only the last axis (-1).");

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis;
        return c;
    }

    /// <inheritdoc/>
    protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double tt = 0, pp = 0, tp = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            tt += (double)yTrue[i] * yTrue[i];
            pp += (double)yPred[i] * yPred[i];
            tp += (double)yTrue[i] * yPred[i];
        }
        // Each vector is divided by max(norm, eps), as Keras's l2 normalisation.
        return tp / (Math.Max(Math.Sqrt(tt), Losses.Loss.Epsilon) * Math.Max(Math.Sqrt(pp), Losses.Loss.Epsilon));
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static CosineSimilarity FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "cosine_similarity", Cfg.Int(config, "axis", -1));
}
