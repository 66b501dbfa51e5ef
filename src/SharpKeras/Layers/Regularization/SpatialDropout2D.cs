using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Drops whole feature maps (<c>keras.layers.SpatialDropout2D</c>): in training, each channel of
/// each sample is zeroed with probability <see cref="BaseSpatialDropout.Rate"/> over all positions and the rest scaled
/// by 1 / (1 - rate); the identity at inference.
/// </summary>
public sealed class SpatialDropout2D : BaseSpatialDropout, Saving.IKerasSerializable<SpatialDropout2D>
{
    /// <summary>A SpatialDropout2D layer dropping a fraction <paramref name="rate"/> in [0, 1] of channels.</summary>
    public SpatialDropout2D(double rate, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(4, "batch, height, width, channels", writesDataFormat: true, rate, seed, name, inputShape, batchSize)
    {
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static SpatialDropout2D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Saving.ConvLayerConfigs.Checked(config);
        return new SpatialDropout2D(Saving.Cfg.Double(config, "rate"), Saving.Cfg.OptionalInt(config, "seed"), name);
    }
}
