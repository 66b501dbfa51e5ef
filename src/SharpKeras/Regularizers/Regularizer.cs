using System.Text.Json.Nodes;

namespace SharpKeras.Regularizers;

/// <summary>
/// Base of weight and activity regularizers (<c>keras.regularizers.Regularizer</c>): a penalty computed
/// from a tensor that joins the training loss. Subclass it and override <see cref="Call"/> (built from
/// <see cref="Ops"/> so that it is differentiable and replays inside the planned training step) and
/// <see cref="GetConfig"/>. Strings such as "l2" convert to it implicitly.
/// </summary>
public abstract class Regularizer
{
    /// <summary>The identifiers <see cref="Get"/> accepts (Keras's snake_case class names).</summary>
    public static IReadOnlyList<string> Names { get; } = ["l1", "l2", "l1_l2", "orthogonal_regularizer"];

    /// <summary>The scalar penalty for <paramref name="x"/> (Keras's <c>__call__</c>).</summary>
    public abstract Tensor Call(Tensor x);

    /// <summary>Keras's class name written to configs ("L2", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The regularizer's configuration (Keras's <c>get_config</c>).</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>
    /// The regularizer for a Keras identifier, with the class's defaults (Keras's <c>regularizers.get</c>):
    /// "l1", "l2", "l1_l2", "orthogonal_regularizer" or a class name ("L2").
    /// </summary>
    public static Regularizer Get(string identifier) => (identifier ?? throw new ArgumentNullException(nameof(identifier))) switch
    {
        "l1" or "L1" => new L1(),
        "l2" or "L2" => new L2(),
        "l1_l2" or "L1L2" => new L1L2(),
        "orthogonal_regularizer" or "OrthogonalRegularizer" => new OrthogonalRegularizer(),
        _ => throw new ArgumentException($"Could not interpret regularizer identifier: '{identifier}'. Valid identifiers: {string.Join(", ", Names)}.", nameof(identifier)),
    };

    /// <summary>Looks a Keras identifier up.</summary>
    public static implicit operator Regularizer(string identifier) => Get(identifier);

    /// <summary>|x| as relu(x) + relu(-x): one of the two is zero, so the value is exact and the gradient at 0 is 0, as Keras's abs.</summary>
    private protected static Tensor Absolute(Tensor x) => Ops.Add(Ops.Relu(x), Ops.Relu(Ops.Negative(x)));

    /// <summary>Checks a factor as Keras's validate_float_arg: finite and non-negative.</summary>
    private protected static double CheckFactor(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value}");
        }
        return value;
    }
}
