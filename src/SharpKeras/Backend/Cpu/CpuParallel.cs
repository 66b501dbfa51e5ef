namespace SharpKeras.Backend.Cpu;

/// <summary>Splits a range of independent work items over <see cref="Config.Threads"/> threads.</summary>
internal static class CpuParallel
{
    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over contiguous chunks of [0, count); chunks are only
    /// made when each gets at least <paramref name="minPerChunk"/> items, so small work stays on the caller.
    /// </summary>
    public static void For(int count, int minPerChunk, Action<int, int> body)
    {
        int chunks = Math.Min(Config.Threads, Math.Max(1, count / Math.Max(1, minPerChunk)));
        if (chunks <= 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            long start = (long)count * c / chunks;
            long end = (long)count * (c + 1) / chunks;
            body((int)start, (int)end);
        });
    }
}
