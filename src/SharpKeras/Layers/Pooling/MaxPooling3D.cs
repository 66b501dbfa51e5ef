using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Max pooling over 3-D windows of (batch, depth, height, width, channels) volumes (<c>keras.layers.MaxPooling3D</c>, also <c>MaxPool3D</c>; pool 2, strides = pool, "valid").</summary>
public sealed class MaxPooling3D(Size3D? poolSize = null, Size3D? strides = null, string padding = "valid", string? dataFormat = null, string? name = null,
    int[]? inputShape = null, int? batchSize = null)
    : BasePooling(3, (poolSize ?? 2).ToArray(), strides?.ToArray(), padding, max: true, name, inputShape, batchSize, dataFormat), IKerasSerializable<MaxPooling3D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static MaxPooling3D FromConfig(JsonObject config) => new(Size3D.FromConfig(config, "pool_size", 2), Size3D.OptionalFromConfig(config, "strides"),
        Cfg.String(config, "padding", "valid"), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
}
