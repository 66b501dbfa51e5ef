namespace SharpKeras.Backend;

/// <summary>A reduction that <see cref="IReductionKernels.ReduceAxis"/> runs over an axis.</summary>
internal enum ReductionKind
{
    /// <summary>The largest element (keras.ops.max).</summary>
    Max,

    /// <summary>The smallest element (keras.ops.min).</summary>
    Min,

    /// <summary>The product of the elements (keras.ops.prod); 1 over an empty axis.</summary>
    Prod,
}
