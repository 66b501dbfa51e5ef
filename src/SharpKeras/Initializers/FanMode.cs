using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>How <see cref="VarianceScaling"/> picks n in scale / n.</summary>
public enum FanMode
{
    /// <summary>Fan in (Keras "fan_in").</summary>
    FanIn,
    /// <summary>Fan out (Keras "fan_out").</summary>
    FanOut,
    /// <summary>Average of fan in and fan out (Keras "fan_avg").</summary>
    FanAvg,
}
