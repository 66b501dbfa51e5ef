using System.Text.Json.Nodes;

namespace SharpKeras.Constraints;

/// <summary>Clamps weights at zero from below (<c>keras.constraints.NonNeg</c>, identifier "non_neg"): <c>maximum(w, 0)</c>.</summary>
public sealed class NonNeg : Constraint, Saving.IKerasSerializable<NonNeg>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        var copy = AxisNorms.Copy(w);
        Clamp(copy.Span);
        return copy;
    }

    /// <inheritdoc/>
    public override void ApplyTo(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        Clamp(variable.Value.Span);
        variable.MarkChanged();
    }

    private static void Clamp(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Max(values[i], 0f);
        }
    }

    /// <summary>Recreates the constraint from its config (Keras's <c>from_config</c>).</summary>
    public static NonNeg FromConfig(JsonObject config) => new();
}
