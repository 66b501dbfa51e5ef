using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Adaptive average pooling over steps (<c>keras.layers.AdaptiveAveragePooling1D</c>): the mean of each of <c>outputSize</c> bins, whatever the input length.</summary>
public sealed class AdaptiveAveragePooling1D(int outputSize, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
    : BaseAdaptivePooling(1, [outputSize], dataFormat, max: false, name, inputShape, batchSize), IKerasSerializable<AdaptiveAveragePooling1D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static AdaptiveAveragePooling1D FromConfig(JsonObject config) =>
        new(ConvLayerConfigs.One(config, "output_size"), Cfg.String(config, "data_format", "channels_last"), Cfg.Name(config));
}
