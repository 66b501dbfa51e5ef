using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Adaptive average pooling over images (<c>keras.layers.AdaptiveAveragePooling2D</c>): the mean of each of (height, width) <c>outputSize</c> bins, whatever the input size.</summary>
public sealed class AdaptiveAveragePooling2D(Size2D outputSize, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
    : BaseAdaptivePooling(2, [outputSize.Height, outputSize.Width], dataFormat, max: false, name, inputShape, batchSize), IKerasSerializable<AdaptiveAveragePooling2D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static AdaptiveAveragePooling2D FromConfig(JsonObject config) =>
        new(ConvLayerConfigs.Size(config, "output_size"), Cfg.String(config, "data_format", "channels_last"), Cfg.Name(config));
}
