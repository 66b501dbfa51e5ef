namespace SharpKeras.Backend;

/// <summary>
/// The right operand op(B) [K, N] of a matrix multiply (a Dense kernel, a recurrent kernel) put once
/// into the layout its backend's multiply reads, so that repeated products with the same weights
/// (inference calls, the steps of a sequence) skip re-packing it. Immutable once made: it may be
/// shared by calls on several threads.
/// </summary>
internal abstract class PackedMatrix(int k, int n)
{
    /// <summary>Rows of op(B) (the product's inner dimension).</summary>
    public int K { get; } = k;

    /// <summary>Columns of op(B) (the product's outputs).</summary>
    public int N { get; } = n;
}
