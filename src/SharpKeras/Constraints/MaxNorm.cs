using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Constraints;

/// <summary>
/// Rescales each slice of a weight whose L2 norm exceeds <see cref="MaxValue"/> down to it
/// (<c>keras.constraints.MaxNorm</c>, identifier "max_norm"): <c>w * clip(n, 0, max) / (eps + n)</c>.
/// </summary>
public sealed class MaxNorm : Constraint, IKerasSerializable<MaxNorm>
{
    private readonly Func<float, float> _scale;

    /// <summary>A max-norm constraint (Keras's defaults maxValue 2, axis 0: each column of a Dense kernel).</summary>
    public MaxNorm(double maxValue = 2, int axis = 0) : this(maxValue, [axis]) { }

    /// <summary>A max-norm constraint over several axes (for a Conv2D kernel Keras suggests [0, 1, 2]).</summary>
    public MaxNorm(double maxValue, int[] axis)
    {
        MaxValue = maxValue;
        Axis = AxisNorms.Check(axis, "MaxNorm");
        float max = (float)maxValue;
        _scale = n => Math.Clamp(n, 0f, max) / (AxisNorms.Epsilon + n);
    }

    /// <summary>The largest allowed norm (Keras's <c>max_value</c>).</summary>
    public double MaxValue { get; }

    /// <summary>The axes the norm runs over (Keras's <c>axis</c>).</summary>
    public IReadOnlyList<int> Axis { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        var copy = AxisNorms.Copy(w);
        AxisNorms.Rescale(copy, [.. Axis], _scale, "MaxNorm");
        return copy;
    }

    /// <inheritdoc/>
    public override void ApplyTo(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        AxisNorms.Rescale(variable.Value, (int[])Axis, _scale, "MaxNorm");
        variable.MarkChanged();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["max_value"] = MaxValue, ["axis"] = AxisNorms.AxisNode((int[])Axis) };

    /// <summary>Recreates the constraint from its config (Keras's <c>from_config</c>).</summary>
    public static MaxNorm FromConfig(JsonObject config) =>
        new(Cfg.Double(config, "max_value", 2), config["axis"] is null ? [0] : Cfg.Ints(config, "axis"));
}
