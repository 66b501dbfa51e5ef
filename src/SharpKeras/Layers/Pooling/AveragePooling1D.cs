using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Average pooling over 1-D windows (<c>keras.layers.AveragePooling1D</c>; pool 2, strides = pool, "valid").</summary>
public sealed class AveragePooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null, int[]? inputShape = null, int? batchSize = null)
    : BasePooling(1, [poolSize], strides is { } s ? [s] : null, padding, max: false, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<AveragePooling1D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static AveragePooling1D FromConfig(JsonObject config) => new(ConvLayerConfigs.One(config, "pool_size", 2),
        config["strides"] is null ? null : ConvLayerConfigs.One(config, "strides"), Cfg.String(config, "padding", "valid"), ConvLayerConfigs.Checked(config));
}
