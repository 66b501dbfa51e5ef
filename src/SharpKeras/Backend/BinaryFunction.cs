namespace SharpKeras.Backend;

/// <summary>
/// An element-wise function of two values that every backend's elementwise kernels provide: the
/// four arithmetic operations and the derivative products the ops layer's gradients need.
/// </summary>
internal enum BinaryFunction
{
    /// <summary>a + b.</summary>
    Add,

    /// <summary>a - b.</summary>
    Subtract,

    /// <summary>a * b.</summary>
    Multiply,

    /// <summary>a / b.</summary>
    Divide,

    /// <summary>g / x: the gradient of log given x (a) and g (b).</summary>
    ReverseDivide,

    /// <summary>x &gt; 0 ? g : 0: the gradient of relu given its input x (a) and g (b).</summary>
    ReluGrad,

    /// <summary>g y (1 - y): the gradient of sigmoid given its output y (a) and g (b).</summary>
    SigmoidGrad,

    /// <summary>g (1 - y^2): the gradient of tanh given its output y (a) and g (b).</summary>
    TanhGrad,

    /// <summary>2 g x: the gradient of square given x (a) and g (b).</summary>
    SquareGrad,

    /// <summary>g / (2 y): the gradient of sqrt given its output y (a) and g (b).</summary>
    SqrtGrad,
}
