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
    /// How this activation fuses into a recurrent cell's gate pass (linear, relu, sigmoid, tanh), or
    /// null when the cell must run step by step. Layers decide fusion from this, never from <see cref="Name"/>.
    /// </summary>
    internal Backend.EpilogueActivation? Fusable { get; init; }

    /// <summary>
    /// How this activation fuses into a matrix multiply (Dense, convolutions): the epilogue that
    /// applies it as the product is stored, or null when it runs as its own op afterwards (softmax,
    /// gelu, custom functions, activations with non-default arguments).
    /// </summary>
    internal Backend.EpilogueActivation? Epilogue { get; init; }

    /// <summary>The output shape for an input shape, where it differs from the input's (glu halves the last axis); null for shape-keeping activations.</summary>
    internal Func<Shape, Shape>? OutputShape { get; init; }

    /// <summary>The function itself.</summary>
    public Func<Tensor, Tensor> Function { get; }

    /// <summary>Applies the activation.</summary>
    public Tensor Call(Tensor x) => Function(x);

    /// <summary>Looks a Keras identifier up (see <see cref="Activations.Get"/>).</summary>
    public static implicit operator ActivationFunction(string name) => Activations.Get(name);

    /// <summary>Wraps a function; one of <see cref="Activations"/>'s own keeps its Keras name.</summary>
    public static implicit operator ActivationFunction(Func<Tensor, Tensor> function) => Activations.FromDelegate(function, function);

    /// <summary>Keras's relu (<see cref="Activations.Relu"/>) or another function of that shape, with default arguments.</summary>
    public static implicit operator ActivationFunction(ReluActivation function) => Activations.FromDelegate(function, x => function(x));

    /// <summary>Keras's leaky_relu (<see cref="Activations.LeakyRelu"/>) or another function of that shape, with default arguments.</summary>
    public static implicit operator ActivationFunction(LeakyReluActivation function) => Activations.FromDelegate(function, x => function(x));

    /// <summary>Keras's elu or celu, or another function of that shape, with default arguments.</summary>
    public static implicit operator ActivationFunction(AlphaActivation function) => Activations.FromDelegate(function, x => function(x));

    /// <summary>Keras's gelu (<see cref="Activations.Gelu"/>, exact by default) or another function of that shape.</summary>
    public static implicit operator ActivationFunction(GeluActivation function) => Activations.FromDelegate(function, x => function(x));

    /// <summary>Keras's softmax, log_softmax or sparsemax over the last axis, or another function of that shape.</summary>
    public static implicit operator ActivationFunction(AxisActivation function) => Activations.FromDelegate(function, x => function(x));

    /// <summary>Keras's hard_shrink or soft_shrink with threshold 0.5, or another function of that shape.</summary>
    public static implicit operator ActivationFunction(ShrinkActivation function) => Activations.FromDelegate(function, x => function(x));

    /// <summary>Keras's squareplus with b 4, or another function of that shape.</summary>
    public static implicit operator ActivationFunction(SquareplusActivation function) => Activations.FromDelegate(function, x => function(x));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
