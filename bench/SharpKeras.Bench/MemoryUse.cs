namespace SharpKeras.Bench;

/// <summary>
/// The resident set of one framework's run of one workload: the high-water mark (VmHWM) in MiB, the resident set
/// just before the run, and whether the mark was reset before the run or is the process's lifetime peak.
/// </summary>
public sealed record MemoryUse
{
    /// <summary>Reset before the run (<c>/proc/PID/clear_refs</c>): the peak covers this run only.</summary>
    public const string WorkloadScope = "workload";

    /// <summary>The mark could not be reset: the peak is the process's highest since it started.</summary>
    public const string LifetimeScope = "process lifetime";

    /// <summary>Peak resident set (MiB), including the runtime and the loaded native libraries.</summary>
    public required double PeakMiB { get; init; }

    /// <summary>Resident set just before the run (MiB), where known.</summary>
    public double? BeforeMiB { get; init; }

    /// <summary><see cref="WorkloadScope"/> or <see cref="LifetimeScope"/>.</summary>
    public required string Scope { get; init; }

    /// <summary>Growth of the resident set over the run: peak minus the resident set before (only with a per-run peak).</summary>
    public double? GrowthMiB => Scope == WorkloadScope && BeforeMiB is { } b ? Math.Max(0, PeakMiB - b) : null;

    /// <summary>SharpKeras only: the managed (GC) heap's highest sampled size during the run (MiB).</summary>
    public double? ManagedPeakMiB { get; init; }
}
