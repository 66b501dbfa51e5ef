using SharpKeras.Backend;

namespace SharpKeras.Training;

/// <summary>
/// Weights kept packed between inference calls: while a thread runs an inference plan (Predict, Evaluate),
/// a product with a variable's value as its right operand, or a convolution with a variable's value as its
/// kernel, reads the variable's packed copy, made on first use and again after any write to the variable
/// (<see cref="Variable.Version"/>). A packed copy is
/// immutable and published whole on the variable, so calls on several threads share it safely; two calls
/// that find it stale at once may both pack, and either copy is correct. Training never packs: its
/// weights change every step.
/// </summary>
internal static class InferenceWeights
{
    [ThreadStatic] private static int t_depth;

    /// <summary>Whether inference keeps packed copies at all (benchmarks turn it off to time the per-call packing it replaces).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>True while this thread runs an inference plan.</summary>
    public static bool Active => t_depth > 0;

    /// <summary>Marks this thread as running inference until the scope is disposed.</summary>
    public static Scope Enter()
    {
        t_depth++;
        return default;
    }

    /// <summary>
    /// The packed copy of op(<paramref name="b"/>) [k, n] for <paramref name="backend"/>, or null when no copy
    /// may be kept: outside inference, or when <paramref name="b"/> is not a variable's value itself.
    /// </summary>
    public static PackedMatrix? Packed(Tensor b, int k, int n, bool transB, IBackend backend) =>
        Cached(b, k, n, transB ? Layout.Transposed : Layout.Matrix, backend);

    /// <summary>
    /// The packed copy of the convolution kernel <paramref name="kernel"/> ([patch, filters]) for <paramref name="backend"/>,
    /// or null when no copy may be kept: outside inference, or when <paramref name="kernel"/> is not a variable's value itself.
    /// </summary>
    public static PackedMatrix? PackedConvKernel(Tensor kernel, int patch, int filters, IBackend backend) =>
        Cached(kernel, patch, filters, Layout.ConvKernel, backend);

    private static PackedMatrix? Cached(Tensor b, int k, int n, Layout layout, IBackend backend)
    {
        // A variable's stored value, or its bfloat16 autocast read: that read is rounded again by an op that runs earlier in
        // the same plan, so its contents follow the variable's version as the stored value does.
        bool rounded = b.Bfloat16Of is not null;
        var v = rounded ? b.Bfloat16Of : b.OwnerVariable is { } o && ReferenceEquals(o.Stored, b) ? o : null;
        if (t_depth == 0 || !Enabled || v is null || (long)k * n != b.Length)
        {
            return null;
        }
        // Read the version before packing: a write during the packing leaves the copy tagged stale.
        int version = v.Version;
        if (v.PackedCache is Entry e && e.Version == version && ReferenceEquals(e.Backend, backend) && e.Layout == layout && e.Rounded == rounded && e.Matrix.K == k && e.Matrix.N == n)
        {
            return e.Matrix;
        }
        var packed = layout == Layout.ConvKernel
            ? backend.PackConvKernel(b.Span, k, n)
            : backend.PackMatrix(b.Span, k, n, layout == Layout.Transposed);
        v.PackedCache = new Entry(backend, version, layout, rounded, packed);
        return packed;
    }

    /// <summary>The scope of <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        /// <summary>Ends the inference scope.</summary>
        public void Dispose() => t_depth--;
    }

    /// <summary>How a packed copy was laid out: for a product's right operand (as is or transposed) or for a convolution.</summary>
    private enum Layout
    {
        Matrix,
        Transposed,
        ConvKernel,
    }

    private sealed record Entry(IBackend Backend, int Version, Layout Layout, bool Rounded, PackedMatrix Matrix);
}
