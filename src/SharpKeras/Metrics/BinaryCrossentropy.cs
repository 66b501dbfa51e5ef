using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Binary crossentropy as a metric: its sample-weighted mean (<c>keras.metrics.BinaryCrossentropy</c>).</summary>
public sealed class BinaryCrossentropy : MeanMetricWrapper, IKerasSerializable<BinaryCrossentropy>
{
    /// <summary>Creates the metric.</summary>
    public BinaryCrossentropy(string name = "binary_crossentropy", bool fromLogits = false, double labelSmoothing = 0) : base(new Losses.BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing), name)
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>True when predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing applied to the targets.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    private protected override bool HasRowForm => true;

    /// <inheritdoc/>
    private protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => BinaryRow(yTrue, yPred, FromLogits, LabelSmoothing);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = new JsonObject { ["name"] = Name, ["dtype"] = "float32" };
        c["from_logits"] = FromLogits;
        c["label_smoothing"] = LabelSmoothing;
        return c;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new BinaryCrossentropy FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "binary_crossentropy", Cfg.Bool(config, "from_logits", false), Cfg.Double(config, "label_smoothing", 0));
}
