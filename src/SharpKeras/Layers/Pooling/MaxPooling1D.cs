using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Max pooling over 1-D windows (<c>keras.layers.MaxPooling1D</c>; pool 2, strides = pool, "valid").</summary>
public sealed class MaxPooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null, int[]? inputShape = null, int? batchSize = null)
    : BasePooling(1, [poolSize], strides is { } s ? [s] : null, padding, max: true, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<MaxPooling1D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static MaxPooling1D FromConfig(JsonObject config) => new(ConvLayerConfigs.One(config, "pool_size", 2),
        config["strides"] is null ? null : ConvLayerConfigs.One(config, "strides"), Cfg.String(config, "padding", "valid"), ConvLayerConfigs.Checked(config));
}
