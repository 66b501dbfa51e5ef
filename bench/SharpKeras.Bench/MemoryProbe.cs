using System.Diagnostics;
using System.Globalization;

namespace SharpKeras.Bench;

/// <summary>
/// Reads a process's resident set and its high-water mark. On Linux the mark (VmHWM of /proc/PID/status) is reset
/// by writing "5" to /proc/PID/clear_refs, so each run gets its own peak; where that is not possible the
/// process's lifetime peak is reported instead, labelled <see cref="MemoryUse.LifetimeScope"/>.
/// </summary>
public static class MemoryProbe
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

    /// <summary>Bytes as MiB.</summary>
    public static double ToMiB(long bytes) => bytes / MiB;
}
