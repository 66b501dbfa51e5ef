namespace SharpKeras.Backend;

/// <summary>An element-wise function of one value that every backend's elementwise kernels provide.</summary>
internal enum UnaryFunction
{
    /// <summary>-x.</summary>
    Negative,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>x * x.</summary>
    Square,

    /// <summary>sqrt(x).</summary>
    Sqrt,

    /// <summary>exp(x).</summary>
    Exp,

    /// <summary>log(x).</summary>
    Log,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,
}
