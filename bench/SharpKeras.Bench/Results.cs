namespace SharpKeras.Bench;

/// <summary>One measured run of one framework on one workload.</summary>
public sealed record RunResult
{
    /// <summary>1-based run number (runs of the frameworks alternate: A B A B ...).</summary>
    public required int Run { get; init; }

    /// <summary>The suite's timed figure in seconds (Fit, an epoch, the timed epochs, or one matrix multiply).</summary>
    public required double Seconds { get; init; }

    /// <summary>Seconds of each epoch, where the run trained.</summary>
    public double[]? EpochSeconds { get; init; }

    /// <summary>Training loss after each epoch.</summary>
    public double[]? Loss { get; init; }

    /// <summary>Training accuracy after each epoch.</summary>
    public double[]? Accuracy { get; init; }

    /// <summary>Inference throughput, samples per second.</summary>
    public double? InferenceSamplesPerSecond { get; init; }

    /// <summary>Achieved GFLOP/s of the timed work (matrix multiplies only).</summary>
    public double? Gflops { get; init; }

    /// <summary>The resident set's peak over the run (training suites), where it could be read.</summary>
    public MemoryUse? Memory { get; init; }
}

/// <summary>All runs of one framework at one thread count on one workload, and their summary.</summary>
public sealed record FrameworkResult
{
    /// <summary>SharpKeras, TorchSharp or PyTorch.</summary>
    public required string Framework { get; init; }

    /// <summary>Its version.</summary>
    public required string Version { get; init; }

    /// <summary>Threads it was allowed.</summary>
    public required int Threads { get; init; }

    /// <summary>The dtype policy SharpKeras trained under when not float32 ("mixed_bfloat16"); null for float32 and for peers.</summary>
    public string? DtypePolicy { get; init; }

    /// <summary>The runs.</summary>
    public List<RunResult> Runs { get; init; } = [];

    /// <summary>Why the framework has no runs here, if it failed.</summary>
    public string? Error { get; set; }

    /// <summary>Median of the runs' seconds.</summary>
    public double? MedianSeconds => Stats.Median(Runs.Select(r => r.Seconds));

    /// <summary>Minimum seconds.</summary>
    public double? MinSeconds => Runs.Count > 0 ? Runs.Min(r => r.Seconds) : null;

    /// <summary>Maximum seconds.</summary>
    public double? MaxSeconds => Runs.Count > 0 ? Runs.Max(r => r.Seconds) : null;

    /// <summary>Average seconds.</summary>
    public double? AverageSeconds => Runs.Count > 0 ? Runs.Average(r => r.Seconds) : null;

    /// <summary>Total seconds.</summary>
    public double? TotalSeconds => Runs.Count > 0 ? Runs.Sum(r => r.Seconds) : null;

    /// <summary>Median inference samples per second.</summary>
    public double? MedianInferenceSamplesPerSecond => Stats.Median(Runs.Where(r => r.InferenceSamplesPerSecond is not null).Select(r => r.InferenceSamplesPerSecond!.Value));

    /// <summary>Median over runs of the last epoch's training accuracy.</summary>
    public double? FinalAccuracy => Stats.Median(Runs.Where(r => r.Accuracy is { Length: > 0 }).Select(r => r.Accuracy![^1]));

    /// <summary>Median over runs of the last epoch's training loss.</summary>
    public double? FinalLoss => Stats.Median(Runs.Where(r => r.Loss is { Length: > 0 }).Select(r => r.Loss![^1]));

    /// <summary>Median GFLOP/s.</summary>
    public double? MedianGflops => Stats.Median(Runs.Where(r => r.Gflops is not null).Select(r => r.Gflops!.Value));

    /// <summary>Median GFLOP/s as a fraction of the machine's measured peak at this thread count.</summary>
    public double? FractionOfPeak { get; set; }

    /// <summary>SharpKeras's median seconds divided by this framework's (below 1: SharpKeras is faster); null for SharpKeras itself.</summary>
    public double? TimeRatio { get; set; }

    /// <summary>SharpKeras's median GFLOP/s divided by this framework's (above 1: SharpKeras is faster).</summary>
    public double? GflopsRatio { get; set; }

    /// <summary>SharpKeras's median inference samples/s divided by this framework's (above 1: SharpKeras is faster).</summary>
    public double? InferenceRatio { get; set; }

    /// <summary>Median over the runs of each run's resident-set peak (MiB): the memory the framework needed for this workload.</summary>
    /// <remarks>The median, not the maximum: a first run can start on the harness's start-up memory not yet given back to the OS.</remarks>
    public double? PeakMemoryMiB => Stats.Median(Runs.Where(r => r.Memory is not null).Select(r => r.Memory!.PeakMiB));

    /// <summary>The highest of the runs' resident-set peaks (MiB).</summary>
    public double? MaxPeakMemoryMiB => Runs.Max(r => r.Memory?.PeakMiB);

    /// <summary>Median over the runs of the resident set's growth (MiB); null where the peak could not be reset per run.</summary>
    public double? PeakGrowthMiB => Stats.Median(Runs.Where(r => r.Memory?.GrowthMiB is not null).Select(r => r.Memory!.GrowthMiB!.Value));

    /// <summary>SharpKeras only: median over the runs of the managed heap's highest sampled size (MiB).</summary>
    public double? ManagedPeakMiB => Stats.Median(Runs.Where(r => r.Memory?.ManagedPeakMiB is not null).Select(r => r.Memory!.ManagedPeakMiB!.Value));

    /// <summary>What <see cref="PeakMemoryMiB"/> covers: "workload" (reset before each run) or "process lifetime"; null without readings.</summary>
    public string? MemoryScope => Runs.Any(r => r.Memory?.Scope == MemoryUse.LifetimeScope) ? MemoryUse.LifetimeScope
        : Runs.Any(r => r.Memory is not null) ? MemoryUse.WorkloadScope : null;

    /// <summary>SharpKeras's peak resident set divided by this framework's (below 1: SharpKeras needs less).</summary>
    public double? MemoryRatio { get; set; }
}

/// <summary>One workload of the suite: its set-up and every framework's results.</summary>
public sealed record WorkloadResult
{
    /// <summary>The workload's name.</summary>
    public required string Name { get; init; }

    /// <summary>What it is.</summary>
    public required string Description { get; init; }

    /// <summary>The architecture in Keras's words.</summary>
    public string? Architecture { get; init; }

    /// <summary>The optimizer.</summary>
    public string? Optimizer { get; init; }

    /// <summary>False when SharpKeras lacks a layer it needs (it was not run).</summary>
    public required bool Supported { get; init; }

    /// <summary>What SharpKeras lacks, when not supported.</summary>
    public string? NotSupportedReason { get; init; }

    /// <summary>What "seconds" means for this workload.</summary>
    public string? Metric { get; init; }

    /// <summary>The data used.</summary>
    public string? Data { get; init; }

    /// <summary>Training samples.</summary>
    public int? Samples { get; init; }

    /// <summary>Batch size.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Epochs per run.</summary>
    public int? Epochs { get; init; }

    /// <summary>Matrix-multiply FLOPs of one training step at the full batch size.</summary>
    public double? FlopsPerStep { get; init; }

    /// <summary>Matrix-multiply FLOPs of the timed figure (all the steps it covers; for GEMM one multiply).</summary>
    public double? FlopsPerTimedRun { get; init; }

    /// <summary>Each framework's results, per thread count.</summary>
    public List<FrameworkResult> Frameworks { get; init; } = [];

    /// <summary>Size of the training data (inputs and labels, MiB): SharpKeras holds it before a run starts, a peer reads it inside its run.</summary>
    public double? DataMiB { get; init; }

    /// <summary>Inference suite: the largest absolute difference between SharpKeras's and the peer's outputs on the same batch.</summary>
    public double? MaxAbsDifference { get; set; }
}

/// <summary>The per-layer profile of one model's training step.</summary>
public sealed record ProfileResult
{
    /// <summary>The profiled workload.</summary>
    public required string Workload { get; init; }

    /// <summary>Batch size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Threads.</summary>
    public required int Threads { get; init; }

    /// <summary>Timed steps (after warm-up steps).</summary>
    public required int Steps { get; init; }

    /// <summary>Seconds of one whole training step as Fit runs it, for comparison.</summary>
    public required double WholeStepSeconds { get; init; }

    /// <summary>One row per layer, then the loss and the optimizer.</summary>
    public List<ProfileRow> Rows { get; init; } = [];

    /// <summary>How it was measured.</summary>
    public required string Method { get; init; }
}

/// <summary>One layer's (or the loss's, or the optimizer's) median forward and backward time.</summary>
public sealed record ProfileRow(string Name, string Kind, double ForwardSeconds, double BackwardSeconds, double Share);

/// <summary>The whole report, written as results.json.</summary>
public sealed record BenchReport
{
    /// <summary>Format tag of results.json.</summary>
    public string Schema { get; init; } = "sharpkeras-bench/1";

    /// <summary>The suite.</summary>
    public required string Suite { get; init; }

    /// <summary>The command line's arguments.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>Whether --quick was given (small sizes; figures are not comparable with full runs).</summary>
    public required bool Quick { get; init; }

    /// <summary>Start time (UTC, ISO 8601).</summary>
    public required string StartedUtc { get; init; }

    /// <summary>End time (UTC, ISO 8601).</summary>
    public string? FinishedUtc { get; set; }

    /// <summary>Thread counts measured at.</summary>
    public required IReadOnlyList<int> Threads { get; init; }

    /// <summary>The machine.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>Each requested peer: ran or skipped and why.</summary>
    public List<PeerStatus> Peers { get; init; } = [];

    /// <summary>Every workload of the suite, supported or not.</summary>
    public List<WorkloadResult> Workloads { get; init; } = [];

    /// <summary>What the memory columns measure, or why the suite has none.</summary>
    public string? MemoryMethod { get; set; }

    /// <summary>The per-layer profile, with --profile.</summary>
    public ProfileResult? Profile { get; set; }

    /// <summary>Files written next to results.json.</summary>
    public List<string> Files { get; init; } = [];
}

/// <summary>Small statistics helpers.</summary>
public static class Stats
{
    /// <summary>The median, or null for no values.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0)
        {
            return null;
        }
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
