using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Drops whole 1-D feature maps (channels over all steps) (<c>keras.layers.SpatialDropout1D</c>): in training, each channel of each
/// sample is zeroed with probability <see cref="BaseSpatialDropout.Rate"/> at every position and the rest scaled by
/// 1 / (1 - rate); the identity at inference.
/// </summary>
public sealed class SpatialDropout1D : BaseSpatialDropout, Saving.IKerasSerializable<SpatialDropout1D>
{
    /// <summary>A SpatialDropout1D layer dropping a fraction <paramref name="rate"/> in [0, 1] of channels.</summary>
    public SpatialDropout1D(double rate, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(3, "batch, steps, channels", writesDataFormat: false, rate, seed, name, inputShape, batchSize)
    {
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static SpatialDropout1D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Saving.ConvLayerConfigs.CheckedLayout(config);
        return new SpatialDropout1D(Saving.Cfg.Double(config, "rate"), Saving.Cfg.OptionalInt(config, "seed"), name);
    }
}
