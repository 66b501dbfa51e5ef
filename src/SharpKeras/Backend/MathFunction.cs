namespace SharpKeras.Backend;

/// <summary>An element-wise function of keras.ops that <see cref="IMathKernels"/> computes, with its derivative.</summary>
internal enum MathFunction
{
    /// <summary>The Gauss error function erf(x).</summary>
    Erf,

    /// <summary>log(1 + x), accurate for small x.</summary>
    Log1p,

    /// <summary>exp(x) - 1, accurate for small x.</summary>
    Expm1,

    /// <summary>|x|.</summary>
    Abs,
}
