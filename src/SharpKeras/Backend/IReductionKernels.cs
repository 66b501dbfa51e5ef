namespace SharpKeras.Backend;

/// <summary>The axis-reduction kernel family behind keras.ops's max, min, prod, argmax, argmin, cumsum and cumprod.</summary>
internal interface IReductionKernels
{
    /// <summary>Reduces x viewed as (outer, len, inner) over its middle axis into y (outer, inner); len must be positive for max and min, NaN propagates.</summary>
    void ReduceAxis(ReductionKind kind, ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y);

    /// <summary>The position along the middle axis of (outer, len, inner) of the largest (or smallest) element, the first on ties and the first NaN if any (NumPy's argmax).</summary>
    void ArgReduceAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool max, Span<int> y);

    /// <summary>Running sum (or product) along the middle axis of (outer, len, inner), from the end when <paramref name="reverse"/>.</summary>
    void CumulativeAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool product, bool reverse, Span<float> y);
}
