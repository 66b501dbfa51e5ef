using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Sparse categorical crossentropy as a metric: its sample-weighted mean (<c>keras.metrics.SparseCategoricalCrossentropy</c>).</summary>
public sealed class SparseCategoricalCrossentropy : MeanMetricWrapper, IKerasSerializable<SparseCategoricalCrossentropy>
{
    /// <summary>Creates the metric.</summary>
    public SparseCategoricalCrossentropy(string name = "sparse_categorical_crossentropy", bool fromLogits = false, int axis = -1) : base(new Losses.SparseCategoricalCrossentropy(fromLogits: fromLogits), name)
    {
        FromLogits = fromLogits;
        Axis = axis == -1 ? -1 : throw new NotSupportedException($"SparseCategoricalCrossentropy metric '{name}': axis={axis} is not supported; only the last axis (-1).");
    }

    /// <summary>True when predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The class axis.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    private protected override bool HasRowForm => true;

    /// <inheritdoc/>
    private protected override bool SparseRowLabels => true;

    /// <inheritdoc/>
    private protected override double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => SparseRow(yTrue[0], yPred, FromLogits, Name);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = new JsonObject { ["name"] = Name, ["dtype"] = "float32" };
        c["from_logits"] = FromLogits;
        c["axis"] = Axis;
        return c;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new SparseCategoricalCrossentropy FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "name") ?? "sparse_categorical_crossentropy", Cfg.Bool(config, "from_logits", false), Cfg.Int(config, "axis", -1));
}
