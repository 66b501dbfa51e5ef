namespace SharpKeras.Backend;

/// <summary>The element-wise special-function kernel family (keras.ops.erf, log1p, expm1, absolute) and their gradients.</summary>
internal interface IMathKernels
{
    /// <summary>y = f(x) for same-length spans (y may be x).</summary>
    void Special(MathFunction f, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx = g * f'(x), given the input x and the output y = f(x).</summary>
    void SpecialGrad(MathFunction f, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);
}
