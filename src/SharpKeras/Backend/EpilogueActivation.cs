namespace SharpKeras.Backend;

/// <summary>An element-wise activation a matrix multiply can apply as it stores its result.</summary>
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
}
