using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Max pooling over 2-D windows (<c>keras.layers.MaxPooling2D</c>; pool 2, strides = pool, "valid").</summary>
public sealed class MaxPooling2D(Size2D? poolSize = null, Size2D? strides = null, string padding = "valid", string? name = null, int[]? inputShape = null, int? batchSize = null)
    : BasePooling(2, Pair(poolSize ?? 2), strides is { } s ? Pair(s) : null, padding, max: true, name, inputShape: inputShape, batchSize: batchSize), IKerasSerializable<MaxPooling2D>
{
    internal static int[] Pair(Size2D s) => [s.Height, s.Width];

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static MaxPooling2D FromConfig(JsonObject config) => new(ConvLayerConfigs.Size(config, "pool_size", 2), ConvLayerConfigs.OptionalSize(config, "strides"),
        Cfg.String(config, "padding", "valid"), ConvLayerConfigs.Checked(config));
}
