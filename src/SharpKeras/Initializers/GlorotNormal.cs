using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Glorot normal: truncated normal with stddev sqrt(2 / (fan_in + fan_out)).</summary>
public sealed class GlorotNormal(int? seed = null) : VarianceScaling(1.0, FanMode.FanAvg, VarianceDistribution.TruncatedNormal, seed), IKerasSerializable<GlorotNormal>
{
    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static new GlorotNormal FromConfig(JsonObject config) => new(Cfg.OptionalInt(config, "seed"));
}
