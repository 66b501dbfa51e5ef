namespace SharpKeras.Backend;

/// <summary>The elementwise and reduction kernel family (Keras's arithmetic, activations, sums and softmax ops).</summary>
internal interface IElementwiseKernels
{
    /// <summary>y = f(x) for same-length spans (y may be x).</summary>
    void Unary(UnaryFunction f, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>z = f(a, b) for same-length spans (z may be a or b).</summary>
    void Binary(BinaryFunction f, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> z);

    /// <summary>z = f(a, b) with NumPy broadcasting; <paramref name="outShape"/> is the broadcast of both shapes.</summary>
    void Binary(BinaryFunction f, ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b, Shape bShape, Span<float> z, Shape outShape);

    /// <summary>Sums <paramref name="g"/> over the axes along which <paramref name="target"/> was broadcast into <paramref name="gShape"/> (the gradient of a broadcast).</summary>
    void SumToShape(ReadOnlySpan<float> g, Shape gShape, Span<float> result, Shape target);

    /// <summary>result[j] = sum over rows r of g[r, j]: the column sums of a row-major matrix with n columns.</summary>
    void SumRows(ReadOnlySpan<float> g, int n, Span<float> result);

    /// <summary>Sum of all elements (accumulated in double, so long sums stay exact to float precision).</summary>
    float SumAll(ReadOnlySpan<float> x);

    /// <summary>Sums x viewed as (outer, len, inner) over its middle axis into r (outer, inner).</summary>
    void SumAxis(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> r);

    /// <summary>Repeats g (outer, inner) along a new middle axis of length len into r (outer, len, inner): the gradient of a sum.</summary>
    void RepeatAxis(ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r);

    /// <summary>Softmax (or log-softmax when <paramref name="log"/>) of x viewed as (outer, len, inner) over its middle axis.</summary>
    void Softmax(ReadOnlySpan<float> x, int outer, int len, int inner, bool log, Span<float> y);

    /// <summary>The gradient of softmax from its output y: y * (g - sum(g * y)) over the middle axis.</summary>
    void SoftmaxGrad(ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r);

    /// <summary>The gradient of log-softmax from its output y: g - exp(y) * sum(g) over the middle axis.</summary>
    void LogSoftmaxGrad(ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r);
}
