using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Average pooling over 3-D windows of (batch, depth, height, width, channels) volumes (<c>keras.layers.AveragePooling3D</c>, also <c>AvgPool3D</c>; pool 2, strides = pool, "valid"; "same" padding is not counted).</summary>
public sealed class AveragePooling3D(Size3D? poolSize = null, Size3D? strides = null, string padding = "valid", string? dataFormat = null, string? name = null,
    int[]? inputShape = null, int? batchSize = null)
    : BasePooling(3, (poolSize ?? 2).ToArray(), strides?.ToArray(), padding, max: false, name, inputShape, batchSize, dataFormat), IKerasSerializable<AveragePooling3D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static AveragePooling3D FromConfig(JsonObject config) => new(Size3D.FromConfig(config, "pool_size", 2), Size3D.OptionalFromConfig(config, "strides"),
        Cfg.String(config, "padding", "valid"), Cfg.OptionalString(config, "data_format"), Cfg.Name(config));
}
