using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Constraints;

/// <summary>
/// Moves each slice's L2 norm into [min, max] at a rate (<c>keras.constraints.MinMaxNorm</c>, identifier
/// "min_max_norm"): <c>w * (rate * clip(n, min, max) + (1 - rate) * n) / (eps + n)</c>.
/// </summary>
public sealed class MinMaxNorm : Constraint, IKerasSerializable<MinMaxNorm>
{
    private readonly Func<float, float> _scale;

    /// <summary>A min-max-norm constraint (Keras's defaults minValue 0, maxValue 1, rate 1, axis 0).</summary>
    public MinMaxNorm(double minValue = 0.0, double maxValue = 1.0, double rate = 1.0, int axis = 0) : this(minValue, maxValue, rate, [axis]) { }

    /// <summary>A min-max-norm constraint over several axes.</summary>
    public MinMaxNorm(double minValue, double maxValue, double rate, int[] axis)
    {
        if (!(minValue <= maxValue))
        {
            throw new ArgumentException($"MinMaxNorm: minValue ({minValue}) must not exceed maxValue ({maxValue}).", nameof(minValue));
        }
        MinValue = minValue;
        MaxValue = maxValue;
        Rate = rate;
        Axis = AxisNorms.Check(axis, "MinMaxNorm");
        float lo = (float)minValue, hi = (float)maxValue, r = (float)rate;
        _scale = n => (r * Math.Clamp(n, lo, hi) + (1 - r) * n) / (AxisNorms.Epsilon + n);
    }

    /// <summary>The smallest norm (Keras's <c>min_value</c>).</summary>
    public double MinValue { get; }

    /// <summary>The largest norm (Keras's <c>max_value</c>).</summary>
    public double MaxValue { get; }

    /// <summary>How far each step moves towards the range (Keras's <c>rate</c>; 1 projects at once).</summary>
    public double Rate { get; }

    /// <summary>The axes the norm runs over (Keras's <c>axis</c>).</summary>
    public IReadOnlyList<int> Axis { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        var copy = AxisNorms.Copy(w);
        AxisNorms.Rescale(copy, [.. Axis], _scale, "MinMaxNorm");
        return copy;
    }

    /// <inheritdoc/>
    public override void ApplyTo(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        AxisNorms.Rescale(variable.Value, (int[])Axis, _scale, "MinMaxNorm");
        variable.MarkChanged();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["min_value"] = MinValue,
        ["max_value"] = MaxValue,
        ["rate"] = Rate,
        ["axis"] = AxisNorms.AxisNode((int[])Axis),
    };

    /// <summary>Recreates the constraint from its config (Keras's <c>from_config</c>).</summary>
    public static MinMaxNorm FromConfig(JsonObject config) => new(Cfg.Double(config, "min_value", 0.0), Cfg.Double(config, "max_value", 1.0),
        Cfg.Double(config, "rate", 1.0), config["axis"] is null ? [0] : Cfg.Ints(config, "axis"));
}
