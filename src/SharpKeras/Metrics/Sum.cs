using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Weighted sum of values (<c>keras.metrics.Sum</c>); <c>UpdateState(values, values)</c> style calls read the second argument.</summary>
public sealed class Sum(string name = "sum") : Metric(name), IKerasSerializable<Sum>
{
    private double _total;

    /// <summary>Adds every value of <paramref name="values"/>, each times its sample's weight.</summary>
    public void Update(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        int samples = values.Rank == 0 ? 1 : values.Shape[0];
        int per = values.Length / Math.Max(1, samples);
        if (sampleWeight is not null && sampleWeight.Length != samples && sampleWeight.Length != values.Length)
        {
            throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match values of shape {values.Shape}.", nameof(sampleWeight));
        }
        for (int i = 0; i < values.Length; i++)
        {
            double w = sampleWeight is null ? 1 : sampleWeight.Length == values.Length ? sampleWeight.GetFloat(i) : sampleWeight.GetFloat(i / per);
            _total += values.GetFloat(i) * w;
        }
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => Update(yPred);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => Update(yPred, sampleWeight);

    /// <inheritdoc/>
    public override double Result() => _total;

    /// <inheritdoc/>
    public override void ResetState() => _total = 0;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static Sum FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "sum");
}
