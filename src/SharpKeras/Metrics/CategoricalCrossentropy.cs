using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Categorical crossentropy as a metric: its sample-weighted mean (<c>keras.metrics.CategoricalCrossentropy</c>).</summary>
public sealed class CategoricalCrossentropy : MeanMetricWrapper, IKerasSerializable<CategoricalCrossentropy>
{
    /// <summary>Creates the metric.</summary>
    public CategoricalCrossentropy(string name = "categorical_crossentropy", bool fromLogits = false, double labelSmoothing = 0, int axis = -1) : base(new Losses.CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing, axis: axis), name)
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    /// <summary>True when predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing applied to the targets.</summary>
    public double LabelSmoothing { get; }

    /// <summary>The class axis.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    private protected override bool HasRowForm => Axis == -1;

    /// <inheritdoc/>
    private protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => CategoricalRow(yTrue, yPred, FromLogits, LabelSmoothing);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = new JsonObject { ["name"] = Name, ["dtype"] = "float32" };
        c["from_logits"] = FromLogits;
        c["label_smoothing"] = LabelSmoothing;
        c["axis"] = Axis;
        return c;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new CategoricalCrossentropy FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "categorical_crossentropy", Cfg.Bool(config, "from_logits", false), Cfg.Double(config, "label_smoothing", 0), Cfg.Int(config, "axis", -1));
}
