namespace SharpKeras.Backend;

/// <summary>
/// The indexing kernel family behind keras.ops's slicing, padding, tiling, take and sort: a gather
/// through a flat index map (and its scatter-add, the gradient) and a stable argsort along an axis.
/// </summary>
internal interface IIndexingKernels
{
    /// <summary>y[i] = x[index[i]], or <paramref name="fill"/> where index[i] is negative (constant padding).</summary>
    void GatherIndexed(ReadOnlySpan<float> x, ReadOnlySpan<int> index, Span<float> y, float fill);

    /// <summary>Overwrites dx with zeros, then adds g[i] into dx[index[i]] for every non-negative index[i] (repeated indices add up).</summary>
    void ScatterAddIndexed(ReadOnlySpan<float> g, ReadOnlySpan<int> index, Span<float> dx);

    /// <summary>
    /// The stable argsort of x viewed as (outer, len, inner) along its middle axis: idx[o, j, i] is the
    /// position along the axis of the j-th smallest (largest when <paramref name="descending"/>) element,
    /// equal values in their original order, NaN above every number (NumPy's order).
    /// </summary>
    void ArgsortAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool descending, Span<int> idx);
}
