namespace SharpKeras.Backend;

/// <summary>
/// The weight-constraint kernel family (Keras's MaxNorm, MinMaxNorm and UnitNorm): squared L2 norms of
/// the slices of a row-major weight and their in-place rescale. An element's slice is the dot product
/// of its index with a group stride that is 0 on the reduced axes (<c>AxisNorms.GroupStrides</c>).
/// </summary>
internal interface IConstraintKernels
{
    /// <summary>Overwrites <paramref name="sumSquares"/>[g] with the sum of squares of slice g of <paramref name="w"/>, of shape <paramref name="dims"/>.</summary>
    void SliceSquaredNorms(ReadOnlySpan<float> w, ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride, Span<float> sumSquares);

    /// <summary>Multiplies every element of <paramref name="w"/> by <paramref name="factors"/>[its slice], in place.</summary>
    void ScaleSlices(Span<float> w, ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride, ReadOnlySpan<float> factors);
}
