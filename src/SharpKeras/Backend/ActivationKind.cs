namespace SharpKeras.Backend;

/// <summary>
/// An element-wise activation of <c>keras.activations</c> that the activation kernels compute with
/// up to three parameters (a, b, c); the comment on each value says what they mean.
/// </summary>
internal enum ActivationKind
{
    /// <summary>Keras's relu: min(x &gt; c ? x : 0, b) - a max(c - x, 0); a negative slope, b max value (+inf for none), c threshold. Also leaky_relu and relu6.</summary>
    Relu,

    /// <summary>x &gt; 0 ? x : a (exp(x) - 1).</summary>
    Elu,

    /// <summary>scale (x &gt; 0 ? x : alpha (exp(x) - 1)) with Keras's fixed alpha and scale.</summary>
    Selu,

    /// <summary>x &gt; 0 ? x : a (exp(x / a) - 1).</summary>
    Celu,

    /// <summary>x Phi(x) with the exact normal CDF (erf).</summary>
    Gelu,

    /// <summary>0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).</summary>
    GeluApproximate,

    /// <summary>x sigmoid(x) (silu, swish).</summary>
    Silu,

    /// <summary>log(1 + exp(x)), computed stably.</summary>
    Softplus,

    /// <summary>x / (1 + |x|).</summary>
    Softsign,

    /// <summary>clip(x / 6 + 0.5, 0, 1).</summary>
    HardSigmoid,

    /// <summary>x hard_sigmoid(x) (hard_silu, hard_swish).</summary>
    HardSilu,

    /// <summary>x tanh(softplus(x)).</summary>
    Mish,

    /// <summary>log(sigmoid(x)) = -softplus(-x).</summary>
    LogSigmoid,

    /// <summary>x - tanh(x).</summary>
    TanhShrink,

    /// <summary>clip(x, -1, 1).</summary>
    HardTanh,

    /// <summary>|x| &gt; a ? x : 0.</summary>
    HardShrink,

    /// <summary>x &gt; a ? x - a : x &lt; -a ? x + a : 0.</summary>
    SoftShrink,

    /// <summary>(x + sqrt(x^2 + a)) / 2.</summary>
    Squareplus,

    /// <summary>0 for x &lt;= -1, x for x &gt;= 1, (x + 1)^2 / 4 between.</summary>
    SparsePlus,

    /// <summary>0 for x &lt;= -1, 1 for x &gt;= 1, (x + 1) / 2 between.</summary>
    SparseSigmoid,

    /// <summary>x &gt; a ? x : b (Keras's threshold(x, threshold, default_value)).</summary>
    Threshold,

    /// <summary>exp(x) (Keras's exponential).</summary>
    Exponential,
}
