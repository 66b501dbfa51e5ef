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

    /// <summary>
    /// How this activation fuses into a matrix multiply: the epilogue that applies it as the product
    /// is stored (linear, relu, sigmoid, tanh), or null when it must run as its own op afterwards
    /// (softmax, custom functions). Layers decide fusion from this, never from <see cref="Name"/>.
    /// </summary>
    internal Backend.EpilogueActivation? Fusable { get; init; }

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
