using System.Text.Json.Nodes;

namespace SharpKeras.Constraints;

/// <summary>
/// Base of weight constraints (<c>keras.constraints.Constraint</c>): a projection applied to a variable
/// after each optimizer update. Subclass it and override <see cref="Call"/> (and <see cref="GetConfig"/>);
/// the built-in constraints also override <see cref="ApplyTo"/> to project in place without allocating.
/// Strings such as "max_norm" convert to it implicitly.
/// </summary>
public abstract class Constraint
{
    /// <summary>The identifiers <see cref="Get"/> accepts (Keras's snake_case class names).</summary>
    public static IReadOnlyList<string> Names { get; } = ["max_norm", "min_max_norm", "non_neg", "unit_norm"];

    /// <summary>The projected value of <paramref name="w"/> (Keras's <c>__call__</c>); <paramref name="w"/> is left unchanged.</summary>
    public abstract Tensor Call(Tensor w);

    /// <summary>Projects the variable in place, as Keras's optimizer does after an update (<c>variable.assign(constraint(variable))</c>).</summary>
    public virtual void ApplyTo(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var projected = Call(variable.Value);
        if (projected.Shape != variable.Shape)
        {
            throw new InvalidOperationException($"Constraint {ClassName} returned shape {projected.Shape} for variable '{variable.Name}' of shape {variable.Shape}; a constraint must keep the shape.");
        }
        projected.Span.CopyTo(variable.Value.Span);
        variable.MarkChanged();
    }

    /// <summary>Keras's class name written to configs ("MaxNorm", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The constraint's configuration (Keras's <c>get_config</c>).</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>The constraint for a Keras identifier, with the class's defaults (Keras's <c>constraints.get</c>).</summary>
    public static Constraint Get(string identifier) => (identifier ?? throw new ArgumentNullException(nameof(identifier))) switch
    {
        "max_norm" or "MaxNorm" => new MaxNorm(),
        "min_max_norm" or "MinMaxNorm" => new MinMaxNorm(),
        "non_neg" or "NonNeg" => new NonNeg(),
        "unit_norm" or "UnitNorm" => new UnitNorm(),
        _ => throw new ArgumentException($"Could not interpret constraint identifier: '{identifier}'. Valid identifiers: {string.Join(", ", Names)}.", nameof(identifier)),
    };

    /// <summary>Looks a Keras identifier up.</summary>
    public static implicit operator Constraint(string identifier) => Get(identifier);
}
