using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Glorot (Xavier) uniform, the Dense default: U[-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).</summary>
public sealed class GlorotUniform(int? seed = null) : VarianceScaling(1.0, FanMode.FanAvg, VarianceDistribution.Uniform, seed), IKerasSerializable<GlorotUniform>
{
    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static new GlorotUniform FromConfig(JsonObject config) => new(Cfg.OptionalInt(config, "seed"));
}
