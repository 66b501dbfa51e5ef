namespace SharpKeras.Backend;

/// <summary>
/// An element-wise activation a matrix multiply can apply as it stores its result: each one's
/// derivative is a function of its output, so the fused op keeps no pre-activation buffer.
/// </summary>
internal enum EpilogueActivation
{
    /// <summary>The identity.</summary>
    None,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>min(max(x, 0), 6).</summary>
    Relu6,

    /// <summary>Keras's leaky_relu with its default slope 0.2.</summary>
    LeakyRelu,

    /// <summary>Keras's elu with alpha 1.</summary>
    Elu,

    /// <summary>Keras's selu.</summary>
    Selu,

    /// <summary>Keras's celu with alpha 1.</summary>
    Celu,

    /// <summary>log(1 + exp(x)).</summary>
    Softplus,

    /// <summary>x / (1 + |x|).</summary>
    Softsign,

    /// <summary>exp(x).</summary>
    Exponential,

    /// <summary>clip(x / 6 + 0.5, 0, 1).</summary>
    HardSigmoid,

    /// <summary>clip(x, -1, 1).</summary>
    HardTanh,

    /// <summary>log(sigmoid(x)).</summary>
    LogSigmoid,

    /// <summary>clip((x + 1) / 2, 0, 1).</summary>
    SparseSigmoid,
}
