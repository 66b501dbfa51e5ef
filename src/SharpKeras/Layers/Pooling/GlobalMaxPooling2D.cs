using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Maximum of each channel over all positions (<c>keras.layers.GlobalMaxPooling2D</c>): (batch, h, w, channels) -> (batch, channels).</summary>
public sealed class GlobalMaxPooling2D(bool keepDims = false, string? name = null, int[]? inputShape = null, int? batchSize = null) : GlobalPooling(2, max: true, keepDims, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<GlobalMaxPooling2D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GlobalMaxPooling2D FromConfig(JsonObject config) => new(Cfg.Bool(config, "keepdims", false), ConvLayerConfigs.Checked(config));
}
