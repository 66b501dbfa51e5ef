using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Keras's built-in activations (<c>keras.activations</c>), looked up by identifier.</summary>
public static class Activations
{
    /// <summary>The identifiers <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["linear", "relu", "sigmoid", "softmax", "tanh"];

    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor x) => Ops.Relu(x);

    /// <summary>1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor x) => Ops.Sigmoid(x);

    /// <summary>tanh(x).</summary>
    public static Tensor Tanh(Tensor x) => Ops.Tanh(x);

    /// <summary>Softmax over the last axis.</summary>
    public static Tensor Softmax(Tensor x) => Ops.Softmax(x, -1);

    /// <summary>The identity.</summary>
    public static Tensor Linear(Tensor x) => x;

    /// <summary>
    /// The activation for a Keras identifier; null or "linear" gives the identity. Unknown names
    /// get an error listing the valid ones.
    /// </summary>
    public static ActivationFunction Get(string? name) => (name?.ToLowerInvariant()) switch
    {
        null or "linear" => new ActivationFunction("linear", Linear) { Fusable = EpilogueActivation.None },
        "relu" => new ActivationFunction("relu", Relu) { Fusable = EpilogueActivation.Relu },
        "sigmoid" => new ActivationFunction("sigmoid", Sigmoid) { Fusable = EpilogueActivation.Sigmoid },
        "tanh" => new ActivationFunction("tanh", Tanh) { Fusable = EpilogueActivation.Tanh },
        "softmax" => new ActivationFunction("softmax", Softmax),
        _ => throw new ArgumentException($"Unknown activation '{name}'. Valid activations: {string.Join(", ", Names)}.", nameof(name)),
    };
}
