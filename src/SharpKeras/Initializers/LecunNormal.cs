using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>LeCun normal (<c>"lecun_normal"</c>): truncated normal with stddev sqrt(1 / fan_in).</summary>
public sealed class LecunNormal(int? seed = null) : VarianceScaling(1.0, FanMode.FanIn, VarianceDistribution.TruncatedNormal, seed), IKerasSerializable<LecunNormal>
{
    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static new LecunNormal FromConfig(JsonObject config) => new(Cfg.OptionalInt(config, "seed"));
}
