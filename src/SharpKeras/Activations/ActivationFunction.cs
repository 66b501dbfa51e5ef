namespace SharpKeras;

/// <summary>
/// An activation function with its Keras identifier ("relu", "softmax", ...). Strings and
/// delegates convert to it implicitly, so <c>activation: "relu"</c> works wherever one is taken.
/// </summary>
public sealed class ActivationFunction
{
    /// <summary>Wraps a function under a name (the name is what configs and summaries show).</summary>
    public ActivationFunction(string name, Func<Tensor, Tensor> function)
    {
        Name = name;
        Function = function;
    }

    /// <summary>The Keras identifier, or a user-chosen name for custom functions.</summary>
    public string Name { get; }

    /// <summary>For built-ins a matrix multiply can apply as it stores (linear, relu, sigmoid, tanh), which one; null otherwise.</summary>
    internal Backend.Cpu.EpilogueActivation? Fusable { get; init; }

    /// <summary>The function itself.</summary>
    public Func<Tensor, Tensor> Function { get; }

    /// <summary>Applies the activation.</summary>
    public Tensor Call(Tensor x) => Function(x);

    /// <summary>Looks a Keras identifier up (see <see cref="Activations.Get"/>).</summary>
    public static implicit operator ActivationFunction(string name) => Activations.Get(name);

    /// <summary>Wraps a custom function.</summary>
    public static implicit operator ActivationFunction(Func<Tensor, Tensor> function) => new("custom", function);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
