using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>The distribution <see cref="VarianceScaling"/> draws from.</summary>
public enum VarianceDistribution
{
    /// <summary>Normal truncated at two standard deviations (Keras "truncated_normal").</summary>
    TruncatedNormal,
    /// <summary>Plain normal (Keras "untruncated_normal").</summary>
    UntruncatedNormal,
    /// <summary>Uniform in [-limit, limit] (Keras "uniform").</summary>
    Uniform,
}
