using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Maximum of each channel over all steps (<c>keras.layers.GlobalMaxPooling1D</c>): (batch, steps, channels) -> (batch, channels).</summary>
public sealed class GlobalMaxPooling1D(bool keepDims = false, string? name = null, int[]? inputShape = null, int? batchSize = null) : GlobalPooling(1, max: true, keepDims, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<GlobalMaxPooling1D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GlobalMaxPooling1D FromConfig(JsonObject config) => new(Cfg.Bool(config, "keepdims", false), ConvLayerConfigs.Checked(config));
}
