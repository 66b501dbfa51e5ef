using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Mean of each channel over all steps (<c>keras.layers.GlobalAveragePooling1D</c>): (batch, steps, channels) -> (batch, channels).</summary>
public sealed class GlobalAveragePooling1D(bool keepDims = false, string? name = null, int[]? inputShape = null, int? batchSize = null) : GlobalPooling(1, max: false, keepDims, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<GlobalAveragePooling1D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GlobalAveragePooling1D FromConfig(JsonObject config) => new(Cfg.Bool(config, "keepdims", false), ConvLayerConfigs.Checked(config));
}
