using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>He uniform: U[-limit, limit], limit = sqrt(6 / fan_in).</summary>
public sealed class HeUniform(int? seed = null) : VarianceScaling(2.0, FanMode.FanIn, VarianceDistribution.Uniform, seed);
