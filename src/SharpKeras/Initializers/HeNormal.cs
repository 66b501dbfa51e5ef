using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>He normal: truncated normal with stddev sqrt(2 / fan_in).</summary>
public sealed class HeNormal(int? seed = null) : VarianceScaling(2.0, FanMode.FanIn, VarianceDistribution.TruncatedNormal, seed), IKerasSerializable<HeNormal>
{
    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static new HeNormal FromConfig(JsonObject config) => new(Cfg.OptionalInt(config, "seed"));
}
