namespace SharpKeras.Backend;

/// <summary>
/// The activation kernel family: Keras's element-wise activations and their input gradients, and
/// sparsemax, each computed in one pass over memory.
/// </summary>
internal interface IActivationKernels
{
    /// <summary>y = f(x) for the activation <paramref name="kind"/> with parameters a, b, c (y may be x).</summary>
    void Activation(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx = f'(x) g: the gradient of <paramref name="kind"/> given its input x and the output gradient g.</summary>
    void ActivationGrad(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx);

    /// <summary>dz = f'(z) g for a GEMM epilogue activation, written in terms of its output y = f(z).</summary>
    void EpilogueGrad(EpilogueActivation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dz);

    /// <summary>
    /// Keras 3.11's sparsemax of x viewed as (outer, len, inner) over its middle axis: with z sorted
    /// descending, S its running sums and k the support size (z_j &gt; (S_j - 1) / j), the output is
    /// max(x - tau, 0) with tau = (sum of S_j over the support - 1) / k. Keras sums the running sums
    /// (the textbook sparsemax takes S_k), so its slices need not sum to 1; this reproduces Keras.
    /// </summary>
    void Sparsemax(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y);

    /// <summary>The gradient of <see cref="Sparsemax"/> given its input x and output y: g where y &gt; 0, minus the sum of those g times d tau / dx.</summary>
    void SparsemaxGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx);

    /// <summary>Gated linear unit over the middle axis of x viewed as (outer, len, inner), len even: y (outer, len / 2, inner) = a sigmoid(b) with a the first half and b the second.</summary>
    void Glu(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y);

    /// <summary>The gradient of <see cref="Glu"/>: g sigmoid(b) into the first half, g a sigmoid(b) (1 - sigmoid(b)) into the second.</summary>
    void GluGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx);
}
