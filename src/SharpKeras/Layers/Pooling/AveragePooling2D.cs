using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Average pooling over 2-D windows (<c>keras.layers.AveragePooling2D</c>; pool 2, strides = pool, "valid").</summary>
public sealed class AveragePooling2D(Size2D? poolSize = null, Size2D? strides = null, string padding = "valid", string? name = null, int[]? inputShape = null, int? batchSize = null)
    : BasePooling(2, MaxPooling2D.Pair(poolSize ?? 2), strides is { } s ? MaxPooling2D.Pair(s) : null, padding, max: false, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<AveragePooling2D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static AveragePooling2D FromConfig(JsonObject config) => new(ConvLayerConfigs.Size(config, "pool_size", 2), ConvLayerConfigs.OptionalSize(config, "strides"),
        Cfg.String(config, "padding", "valid"), ConvLayerConfigs.Checked(config));
}
