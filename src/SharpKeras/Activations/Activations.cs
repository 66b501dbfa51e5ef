using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>
/// Keras's built-in activations (<c>keras.activations</c>), looked up by identifier. Each one is a
/// delegate-typed property, so it can be called (<c>Activations.Elu(x, alpha: 0.5)</c>) and also
/// passed as a layer's <c>activation:</c> (<c>new Dense(8, activation: Activations.Relu)</c>), where
/// it keeps its Keras name and its fusion into the layer's matrix multiply.
/// </summary>
public static class Activations
{
    /// <summary>The identifiers <see cref="Get"/> accepts (Keras's <c>ALL_OBJECTS_DICT</c> less threshold, which needs arguments).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu",
        "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax",
        "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
    ];

    /// <summary>Keras's relu: max(x, 0), or with a negative slope, a maximum value and a threshold.</summary>
    public static ReluActivation Relu { get; } = (x, negativeSlope, maxValue, threshold) => Ops.Relu(x, negativeSlope, maxValue, threshold);

    /// <summary>Keras's leaky_relu: x &gt;= 0 ? x : negativeSlope x (default 0.2).</summary>
    public static LeakyReluActivation LeakyRelu { get; } = (x, negativeSlope) => Ops.LeakyRelu(x, negativeSlope);

    /// <summary>Keras's relu6: min(max(x, 0), 6).</summary>
    public static Func<Tensor, Tensor> Relu6 { get; } = Ops.Relu6;

    /// <summary>Keras's sigmoid: 1 / (1 + exp(-x)).</summary>
    public static Func<Tensor, Tensor> Sigmoid { get; } = Ops.Sigmoid;

    /// <summary>Keras's tanh.</summary>
    public static Func<Tensor, Tensor> Tanh { get; } = Ops.Tanh;

    /// <summary>Keras's softmax along an axis (default: last).</summary>
    public static AxisActivation Softmax { get; } = (x, axis) => Ops.Softmax(x, axis);

    /// <summary>Keras's log_softmax along an axis (default: last).</summary>
    public static AxisActivation LogSoftmax { get; } = (x, axis) => Ops.LogSoftmax(x, axis);

    /// <summary>Keras's sparsemax along an axis (default: last), as Keras 3.11 computes it (see <see cref="Ops.Sparsemax"/>).</summary>
    public static AxisActivation Sparsemax { get; } = (x, axis) => Ops.Sparsemax(x, axis);

    /// <summary>Keras's glu: a sigmoid(b) for the two halves a, b of x along an axis (default: last), which halves that axis.</summary>
    public static AxisActivation Glu { get; } = (x, axis) => Ops.Glu(x, axis);

    /// <summary>Keras's linear: the identity.</summary>
    public static Func<Tensor, Tensor> Linear { get; } = x => x;

    /// <summary>Keras's elu: x &gt; 0 ? x : alpha (exp(x) - 1).</summary>
    public static AlphaActivation Elu { get; } = (x, alpha) => Ops.Elu(x, alpha);

    /// <summary>Keras's selu: scale elu(x, alpha) with alpha 1.67326324 and scale 1.05070098.</summary>
    public static Func<Tensor, Tensor> Selu { get; } = Ops.Selu;

    /// <summary>Keras's celu: x &gt; 0 ? x : alpha (exp(x / alpha) - 1).</summary>
    public static AlphaActivation Celu { get; } = (x, alpha) => Ops.Celu(x, alpha);

    /// <summary>Keras's gelu: x Phi(x) exactly, or with the tanh approximation.</summary>
    public static GeluActivation Gelu { get; } = (x, approximate) => Ops.Gelu(x, approximate);

    /// <summary>Keras's silu: x sigmoid(x).</summary>
    public static Func<Tensor, Tensor> Silu { get; } = Ops.Silu;

    /// <summary>Keras's swish, another name of silu.</summary>
    public static Func<Tensor, Tensor> Swish => Silu;

    /// <summary>Keras's softplus: log(1 + exp(x)).</summary>
    public static Func<Tensor, Tensor> Softplus { get; } = Ops.Softplus;

    /// <summary>Keras's softsign: x / (1 + |x|).</summary>
    public static Func<Tensor, Tensor> Softsign { get; } = Ops.Softsign;

    /// <summary>Keras's exponential: exp(x).</summary>
    public static Func<Tensor, Tensor> Exponential { get; } = Ops.Exp;

    /// <summary>Keras's hard_sigmoid: clip(x / 6 + 0.5, 0, 1).</summary>
    public static Func<Tensor, Tensor> HardSigmoid { get; } = Ops.HardSigmoid;

    /// <summary>Keras's hard_silu: x hard_sigmoid(x).</summary>
    public static Func<Tensor, Tensor> HardSilu { get; } = Ops.HardSilu;

    /// <summary>Keras's hard_swish, another name of hard_silu.</summary>
    public static Func<Tensor, Tensor> HardSwish => HardSilu;

    /// <summary>Keras's mish: x tanh(softplus(x)).</summary>
    public static Func<Tensor, Tensor> Mish { get; } = Ops.Mish;

    /// <summary>Keras's log_sigmoid: log(sigmoid(x)).</summary>
    public static Func<Tensor, Tensor> LogSigmoid { get; } = Ops.LogSigmoid;

    /// <summary>Keras's tanh_shrink: x - tanh(x).</summary>
    public static Func<Tensor, Tensor> TanhShrink { get; } = Ops.TanhShrink;

    /// <summary>Keras's hard_tanh: clip(x, -1, 1).</summary>
    public static Func<Tensor, Tensor> HardTanh { get; } = Ops.HardTanh;

    /// <summary>Keras's hard_shrink: |x| &gt; threshold ? x : 0.</summary>
    public static ShrinkActivation HardShrink { get; } = (x, threshold) => Ops.HardShrink(x, threshold);

    /// <summary>Keras's soft_shrink: x moved towards 0 by threshold, 0 inside it.</summary>
    public static ShrinkActivation SoftShrink { get; } = (x, threshold) => Ops.SoftShrink(x, threshold);

    /// <summary>Keras's squareplus: (x + sqrt(x^2 + b)) / 2.</summary>
    public static SquareplusActivation Squareplus { get; } = (x, b) => Ops.Squareplus(x, b);

    /// <summary>Keras's sparse_plus: 0 below -1, x above 1, (x + 1)^2 / 4 between.</summary>
    public static Func<Tensor, Tensor> SparsePlus { get; } = Ops.SparsePlus;

    /// <summary>Keras's sparse_sigmoid: clip((x + 1) / 2, 0, 1).</summary>
    public static Func<Tensor, Tensor> SparseSigmoid { get; } = Ops.SparseSigmoid;

    /// <summary>Keras's threshold: x &gt; threshold ? x : defaultValue (it needs both, so it has no identifier).</summary>
    public static Tensor Threshold(Tensor x, double threshold, double defaultValue) => Ops.Threshold(x, threshold, defaultValue);

    // The built-in delegates by identity, so that passing one as an activation keeps its Keras name.
    private static readonly Dictionary<Delegate, string> s_builtIn = new()
    {
        [Relu] = "relu", [LeakyRelu] = "leaky_relu", [Relu6] = "relu6", [Sigmoid] = "sigmoid", [Tanh] = "tanh", [Softmax] = "softmax",
        [LogSoftmax] = "log_softmax", [Sparsemax] = "sparsemax", [Glu] = "glu", [Linear] = "linear", [Elu] = "elu", [Selu] = "selu", [Celu] = "celu",
        [Gelu] = "gelu", [Silu] = "silu", [Softplus] = "softplus", [Softsign] = "softsign", [Exponential] = "exponential",
        [HardSigmoid] = "hard_sigmoid", [HardSilu] = "hard_silu", [Mish] = "mish", [LogSigmoid] = "log_sigmoid",
        [TanhShrink] = "tanh_shrink", [HardTanh] = "hard_tanh", [HardShrink] = "hard_shrink", [SoftShrink] = "soft_shrink",
        [Squareplus] = "squareplus", [SparsePlus] = "sparse_plus", [SparseSigmoid] = "sparse_sigmoid",
    };

    /// <summary>The activation named by a built-in delegate of this class, or a custom one wrapping <paramref name="call"/>.</summary>
    internal static ActivationFunction FromDelegate(Delegate function, Func<Tensor, Tensor> call) =>
        s_builtIn.TryGetValue(function, out var name) ? Get(name) : new ActivationFunction("custom", call);

    private static ActivationFunction Make(string name, Func<Tensor, Tensor> f, EpilogueActivation? epilogue = null, bool gate = false) =>
        new(name, f) { Epilogue = epilogue, Fusable = gate ? epilogue : null };

    /// <summary>
    /// The activation for a Keras identifier, with Keras's default arguments; null or "linear" gives
    /// the identity, "swish" and "hard_swish" give silu and hard_silu (named so in configs, as Keras
    /// writes them). Unknown names get an error listing the valid ones.
    /// </summary>
    public static ActivationFunction Get(string? name) => (name?.ToLowerInvariant()) switch
    {
        null or "linear" => Make("linear", Linear, EpilogueActivation.None, gate: true),
        "relu" => Make("relu", Ops.Relu, EpilogueActivation.Relu, gate: true),
        "sigmoid" => Make("sigmoid", Sigmoid, EpilogueActivation.Sigmoid, gate: true),
        "tanh" => Make("tanh", Tanh, EpilogueActivation.Tanh, gate: true),
        "softmax" => Make("softmax", x => Ops.Softmax(x, -1)),
        "log_softmax" => Make("log_softmax", x => Ops.LogSoftmax(x, -1)),
        "sparsemax" => Make("sparsemax", x => Ops.Sparsemax(x, -1)),
        "glu" => new ActivationFunction("glu", x => Ops.Glu(x, -1)) { OutputShape = s => s.Rank == 0 ? s : s.WithDim(-1, s[-1] < 0 ? -1 : s[-1] / 2) },
        "relu6" => Make("relu6", Relu6, EpilogueActivation.Relu6),
        "leaky_relu" => Make("leaky_relu", x => Ops.LeakyRelu(x), EpilogueActivation.LeakyRelu),
        "elu" => Make("elu", x => Ops.Elu(x), EpilogueActivation.Elu),
        "selu" => Make("selu", Selu, EpilogueActivation.Selu),
        "celu" => Make("celu", x => Ops.Celu(x), EpilogueActivation.Celu),
        "gelu" => Make("gelu", x => Ops.Gelu(x, approximate: false)),
        "silu" or "swish" => Make("silu", Silu),
        "softplus" => Make("softplus", Softplus, EpilogueActivation.Softplus),
        "softsign" => Make("softsign", Softsign, EpilogueActivation.Softsign),
        "exponential" => Make("exponential", Exponential, EpilogueActivation.Exponential),
        "hard_sigmoid" => Make("hard_sigmoid", HardSigmoid, EpilogueActivation.HardSigmoid),
        "hard_silu" or "hard_swish" => Make("hard_silu", HardSilu),
        "mish" => Make("mish", Mish),
        "log_sigmoid" => Make("log_sigmoid", LogSigmoid, EpilogueActivation.LogSigmoid),
        "tanh_shrink" => Make("tanh_shrink", TanhShrink),
        "hard_tanh" => Make("hard_tanh", HardTanh, EpilogueActivation.HardTanh),
        "hard_shrink" => Make("hard_shrink", x => Ops.HardShrink(x)),
        "soft_shrink" => Make("soft_shrink", x => Ops.SoftShrink(x)),
        "squareplus" => Make("squareplus", x => Ops.Squareplus(x)),
        "sparse_plus" => Make("sparse_plus", SparsePlus),
        "sparse_sigmoid" => Make("sparse_sigmoid", SparseSigmoid, EpilogueActivation.SparseSigmoid),
        _ => throw new ArgumentException($"Unknown activation '{name}'. Valid activations: {string.Join(", ", Names)}.", nameof(name)),
    };
}
