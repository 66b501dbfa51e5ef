using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Constraints;

/// <summary>Scales each slice of a weight to unit L2 norm (<c>keras.constraints.UnitNorm</c>, identifier "unit_norm"): <c>w / (eps + n)</c>.</summary>
public sealed class UnitNorm : Constraint, IKerasSerializable<UnitNorm>
{
    private static readonly Func<float, float> s_scale = n => 1f / (AxisNorms.Epsilon + n);

    /// <summary>A unit-norm constraint (Keras's default axis 0).</summary>
    public UnitNorm(int axis = 0) : this([axis]) { }

    /// <summary>A unit-norm constraint over several axes.</summary>
    public UnitNorm(int[] axis) => Axis = AxisNorms.Check(axis, "UnitNorm");

    /// <summary>The axes the norm runs over (Keras's <c>axis</c>).</summary>
    public IReadOnlyList<int> Axis { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        var copy = AxisNorms.Copy(w);
        AxisNorms.Rescale(copy, [.. Axis], s_scale, "UnitNorm");
        return copy;
    }

    /// <inheritdoc/>
    public override void ApplyTo(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        AxisNorms.Rescale(variable.Value, (int[])Axis, s_scale, "UnitNorm");
        variable.MarkChanged();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["axis"] = AxisNorms.AxisNode((int[])Axis) };

    /// <summary>Recreates the constraint from its config (Keras's <c>from_config</c>).</summary>
    public static UnitNorm FromConfig(JsonObject config) => new(config["axis"] is null ? [0] : Cfg.Ints(config, "axis"));
}
