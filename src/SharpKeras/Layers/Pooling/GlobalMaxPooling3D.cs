using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Maximum of each channel over all voxels (<c>keras.layers.GlobalMaxPooling3D</c>): (batch, d, h, w, channels) -> (batch, channels).</summary>
public sealed class GlobalMaxPooling3D(bool keepDims = false, string? name = null, int[]? inputShape = null, int? batchSize = null) : GlobalPooling(3, max: true, keepDims, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<GlobalMaxPooling3D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GlobalMaxPooling3D FromConfig(JsonObject config) => new(Cfg.Bool(config, "keepdims", false), ConvLayerConfigs.Checked(config));
}
