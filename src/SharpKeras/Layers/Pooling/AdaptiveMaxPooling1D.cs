using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Adaptive max pooling over steps (<c>keras.layers.AdaptiveMaxPooling1D</c>): the maximum of each of <c>outputSize</c> bins, whatever the input length.</summary>
public sealed class AdaptiveMaxPooling1D(int outputSize, string? dataFormat = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
    : BaseAdaptivePooling(1, [outputSize], dataFormat, max: true, name, inputShape, batchSize), IKerasSerializable<AdaptiveMaxPooling1D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static AdaptiveMaxPooling1D FromConfig(JsonObject config) =>
        new(ConvLayerConfigs.One(config, "output_size"), Cfg.String(config, "data_format", "channels_last"), Cfg.Name(config));
}
