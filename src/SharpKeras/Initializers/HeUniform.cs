using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>He uniform: U[-limit, limit], limit = sqrt(6 / fan_in).</summary>
public sealed class HeUniform(int? seed = null) : VarianceScaling(2.0, FanMode.FanIn, VarianceDistribution.Uniform, seed), IKerasSerializable<HeUniform>
{
    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static new HeUniform FromConfig(JsonObject config) => new(Cfg.OptionalInt(config, "seed"));
}
