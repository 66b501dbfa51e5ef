using SharpKeras.Backend;

namespace SharpKeras.Training;

/// <summary>
/// Convolution kernels kept packed between inference calls, as <see cref="InferenceWeights"/> keeps Dense
/// kernels: while a thread runs an inference plan, a convolution whose kernel is a variable's value reads the
/// variable's packed copy, made on first use and again after any write to the variable (<see cref="Variable.Version"/>).
/// The copy is immutable and published whole, so calls on several threads share it safely.
/// </summary>
internal static class InferenceConvKernels
{
    /// <summary>
    /// The packed copy of <paramref name="kernel"/> ([patch, filters]) for <paramref name="backend"/>, or null when no
    /// copy may be kept: outside inference, or when <paramref name="kernel"/> is not a variable's value itself.
    /// </summary>
    public static PackedMatrix? Packed(Tensor kernel, int patch, int filters, IBackend backend)
    {
        if (!InferenceWeights.Active || !InferenceWeights.Enabled || kernel.OwnerVariable is not { } v || !ReferenceEquals(v.Value, kernel)
            || (long)patch * filters != kernel.Length)
        {
            return null;
        }
        // Read the version before packing: a write during the packing leaves the copy tagged stale.
        int version = v.Version;
        if (v.PackedCache is Entry e && e.Version == version && ReferenceEquals(e.Backend, backend) && e.Kernel.K == patch && e.Kernel.N == filters)
        {
            return e.Kernel;
        }
        var packed = backend.PackConvKernel(kernel.Span, patch, filters);
        v.PackedCache = new Entry(backend, version, packed);
        return packed;
    }

    private sealed record Entry(IBackend Backend, int Version, PackedMatrix Kernel);
}
