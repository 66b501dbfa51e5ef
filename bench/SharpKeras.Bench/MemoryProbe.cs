using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SharpKeras.Bench;

/// <summary>
/// Reads a process's resident set and its high-water mark. On Linux the mark (VmHWM of /proc/PID/status) is reset
/// by writing "5" to /proc/PID/clear_refs, so each run gets its own peak; where that is not possible the
/// process's lifetime peak is reported instead, labelled <see cref="MemoryUse.LifetimeScope"/>.
/// </summary>
public static partial class MemoryProbe
{
    private const double MiB = 1024.0 * 1024.0;

    /// <summary>VmRSS and VmHWM in bytes from the text of /proc/PID/status; null where either line is missing or malformed.</summary>
    public static (long Resident, long Peak)? ParseStatus(string status)
    {
        long? rss = null, hwm = null;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = KiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = KiB(line);
            }
        }
        return rss is { } r && hwm is { } h ? (r, h) : null;
    }

    // "VmHWM:	  123456 kB": the kernel always writes kB (KiB).
    private static long? KiB(string line)
    {
        var parts = line[(line.IndexOf(':') + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts is [var n, "kB"] && long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
    }

    /// <summary>The resident set and its high-water mark of process <paramref name="pid"/> from /proc, or null where /proc cannot be read.</summary>
    public static (long Resident, long Peak)? ReadStatus(int pid)
    {
        try
        {
            return ParseStatus(File.ReadAllText($"/proc/{pid}/status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Resets the high-water mark of process <paramref name="pid"/> to its current resident set; false where the kernel does not allow it.</summary>
    public static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
        // Kernels without the "5" command (before 4.0) refuse the write with EINVAL, so a write that went through did reset.
        return true;
    }

    /// <summary>Starts watching one run of <paramref name="process"/>: resets its peak where possible and reads the resident set before.</summary>
    public static MemoryWatch Start(Process process, bool managedHeap = false) => new(process, managedHeap);

    /// <summary>The figure as MemoryUse, from the readings taken before and after a run.</summary>
    public static MemoryUse FromReadings(bool reset, long? beforeBytes, long peakBytes, long? managedPeakBytes) => new()
    {
        PeakMiB = peakBytes / MiB,
        BeforeMiB = beforeBytes / MiB,
        Scope = reset ? MemoryUse.WorkloadScope : MemoryUse.LifetimeScope,
        ManagedPeakMiB = managedPeakBytes / MiB,
    };

    /// <summary>
    /// Gives this process's freed memory back to the OS before a run: the GC in aggressive mode (it decommits the
    /// regions it no longer uses), then glibc's malloc_trim; without this, a run's resident set would start on what
    /// earlier workloads freed but the process kept, and the figures would depend on the suite's order.
    /// </summary>
    public static void ReleaseFreedMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                MallocTrim(0);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (musl): nothing to trim with; the GC's part still applies.
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>Bytes as MiB.</summary>
    public static double ToMiB(long bytes) => bytes / MiB;
}
