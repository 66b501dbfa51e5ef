namespace SharpKeras.Backend.Cpu;

/// <summary>Per-thread scratch arrays that kernels keep between calls, grown on demand.</summary>
/// <remarks>
/// ArrayPool.Shared would also reuse buffers, but it drops its per-thread caches at every gen-2
/// collection, so a replayed training step then allocates again: the zero-allocation tests failed
/// that way in full runs, where other tests drive gen-2 collections. Each call site owns its
/// [ThreadStatic] field, so nested kernels never share a buffer.
/// </remarks>
internal static class ThreadScratch
{
    /// <summary>The array in <paramref name="slot"/>, replaced by a larger one when it holds fewer than <paramref name="length"/> items.</summary>
    public static T[] AtLeast<T>(ref T[]? slot, int length) =>
        slot is { } a && a.Length >= length ? a : (slot = new T[Math.Max(length, 16)]);
}
