namespace SharpKeras.Backend;

/// <summary>
/// A compute backend: every kernel family the ops layer runs. A backend is a sealed class with one
/// instance, chosen once per process (<see cref="Kernels.Current"/>); adding one (CUDA, say) is a
/// new folder under Backend/ plus a line in <see cref="Kernels.Resolve"/>.
/// </summary>
internal interface IBackend : IMatMulKernels, IConvolutionKernels, IPoolingKernels, IRecurrentKernels, INormalizationKernels,
    IElementwiseKernels, IReshapingKernels, IOptimizerKernels, IRandomKernels, IActivationKernels, IConstraintKernels,
    IIndexingKernels, IReductionKernels, IMathKernels,
    IImplicitConvolutionKernels,
    IImageKernels,
    IAdaptivePoolingKernels,
    IConvolution3DKernels,
    IAttentionKernels,
    IImageAffineKernels,
    IPackedMatMulKernels,
    IPackedConvolutionKernels,
    IPrecisionKernels
{
    /// <summary>The backend's name as <c>SHARPKERAS_BACKEND</c> and <see cref="SharpKeras.Config.Backend"/> spell it.</summary>
    string Name { get; }

    /// <summary>The matrix-multiply variant this backend chose for this CPU (a SIMD level, or "scalar"), as benchmarks report it.</summary>
    string MatMulVariant { get; }
}
