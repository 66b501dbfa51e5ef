using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Mean of each channel over all positions (<c>keras.layers.GlobalAveragePooling2D</c>): (batch, h, w, channels) -> (batch, channels).</summary>
public sealed class GlobalAveragePooling2D(bool keepDims = false, string? name = null, int[]? inputShape = null, int? batchSize = null) : GlobalPooling(2, max: false, keepDims, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<GlobalAveragePooling2D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GlobalAveragePooling2D FromConfig(JsonObject config) => new(Cfg.Bool(config, "keepdims", false), ConvLayerConfigs.Checked(config));
}
