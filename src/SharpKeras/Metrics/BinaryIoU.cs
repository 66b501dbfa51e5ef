using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>IoU of a binary task: predictions at or above <see cref="Threshold"/> are class 1 (<c>keras.metrics.BinaryIoU</c>).</summary>
public sealed class BinaryIoU(int[]? targetClassIds = null, double threshold = 0.5, string name = "binary_io_u")
    : IoU(2, targetClassIds ?? [0, 1], name), IKerasSerializable<BinaryIoU>
{
    private readonly float _threshold = (float)threshold;

    /// <summary>Predictions at or above it count as class 1.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    private protected override int PredictedClass(float value) => value >= _threshold ? 1 : 0;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["target_class_ids"] = new JsonArray([.. TargetClassIds.Select(c => (JsonNode)JsonValue.Create(c))]),
        ["threshold"] = Threshold,
        ["name"] = Name,
        ["dtype"] = "int32",
    };

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new BinaryIoU FromConfig(JsonObject config) => new(IdsOf(config), Cfg.Double(config, "threshold", 0.5), Cfg.OptionalString(config, "name") ?? "binary_io_u");
}
