using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>LeCun uniform (<c>"lecun_uniform"</c>): U[-limit, limit], limit = sqrt(3 / fan_in).</summary>
public sealed class LecunUniform(int? seed = null) : VarianceScaling(1.0, FanMode.FanIn, VarianceDistribution.Uniform, seed), IKerasSerializable<LecunUniform>
{
    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static new LecunUniform FromConfig(JsonObject config) => new(Cfg.OptionalInt(config, "seed"));
}
