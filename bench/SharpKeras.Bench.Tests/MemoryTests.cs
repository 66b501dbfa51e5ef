using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Spectre.Console;

namespace SharpKeras.Bench.Tests;

/// <summary>
/// Tests that reset this process's resident-set high-water mark: run alone, since any other test resetting it
/// in between (every SharpKeras training run does) would move the mark under them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process memory";
}

/// <summary>A fact that needs Linux's /proc with a resettable high-water mark; skipped visibly elsewhere.</summary>
public sealed class ResettablePeakFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when /proc/self/clear_refs cannot reset the mark here.</summary>
    public ResettablePeakFactAttribute()
    {
        if (MemoryProbe.ReadStatus(Environment.ProcessId) is null || !MemoryProbe.TryResetPeak(Environment.ProcessId))
        {
            Skip = "needs Linux's /proc/self/status and a writable /proc/self/clear_refs (the per-workload peak reset)";
        }
    }
}

/// <summary>The memory figures: /proc parsing, the reset, the labels and the report's columns.</summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class MemoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharpkeras-bench-memory-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (int Code, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 400;
        int code = BenchApp.Run(args, console);
        return (code, writer.ToString());
    }

    private const string Status = "Name:\tdotnet\nVmPeak:\t 9000000 kB\nVmSize:\t 8000000 kB\nVmHWM:\t  262144 kB\nVmRSS:\t  131072 kB\nThreads:\t12\n";

    [Fact]
    public void StatusLinesAreReadInBytes()
    {
        var s = MemoryProbe.ParseStatus(Status);
        Assert.NotNull(s);
        Assert.Equal(128L * 1024 * 1024, s.Value.Resident);
        Assert.Equal(256L * 1024 * 1024, s.Value.Peak);
        // VmPeak (virtual) is not VmHWM (resident): a line that merely starts alike must not be taken.
        Assert.Null(MemoryProbe.ParseStatus("VmPeak:\t 9000000 kB\nVmRSS:\t 1 kB\n"));
        Assert.Null(MemoryProbe.ParseStatus("VmHWM:\t  12 MB\nVmRSS:\t 1 kB\n"));
        Assert.Null(MemoryProbe.ParseStatus("VmHWM:\t  x kB\nVmRSS:\t 1 kB\n"));
        Assert.Null(MemoryProbe.ParseStatus(""));
    }

    [Fact]
    public void APeakThatCouldNotBeResetIsLabelledLifetimeAndHasNoGrowth()
    {
        const long mib = 1024 * 1024;
        var perRun = MemoryProbe.FromReadings(reset: true, beforeBytes: 100 * mib, peakBytes: 160 * mib, managedPeakBytes: 20 * mib);
        Assert.Equal(MemoryUse.WorkloadScope, perRun.Scope);
        Assert.Equal(160, perRun.PeakMiB);
        Assert.Equal(60, perRun.GrowthMiB);
        Assert.Equal(20, perRun.ManagedPeakMiB);
        var lifetime = MemoryProbe.FromReadings(reset: false, beforeBytes: 100 * mib, peakBytes: 160 * mib, managedPeakBytes: null);
        Assert.Equal(MemoryUse.LifetimeScope, lifetime.Scope);
        Assert.Null(lifetime.GrowthMiB);
        Assert.Null(lifetime.ManagedPeakMiB);
    }

    [ResettablePeakFact]
    public void ResettingTheMarkGivesEachRunItsOwnPeak()
    {
        using var self = Process.GetCurrentProcess();
        const int size = 64 * 1024 * 1024;
        using (var watch = MemoryProbe.Start(self, managedHeap: true))
        {
            Touch(size);
            var first = watch.Stop();
            Assert.Equal(MemoryUse.WorkloadScope, first.Scope);
            // The 64 MiB were resident at once, so the mark rose by at least that much over the resident set before.
            Assert.True(first.GrowthMiB >= 60, $"growth {first.GrowthMiB} MiB after touching 64 MiB");
            Assert.True(first.ManagedPeakMiB > 0);
            Assert.Same(first, watch.Stop());
        }
        // A second run that allocates nothing big starts from a reset mark, so it does not inherit the first one's peak.
        using var second = MemoryProbe.Start(self);
        var quiet = second.Stop();
        Assert.True(quiet.GrowthMiB < 32, $"growth {quiet.GrowthMiB} MiB of a run that allocated nothing big");
        Assert.Null(quiet.ManagedPeakMiB);
    }

    [ResettablePeakFact]
    public void ReleasingFreedMemoryGivesItBackToTheOs()
    {
        long before = MemoryProbe.ReadStatus(Environment.ProcessId)!.Value.Resident;
        TouchManaged(128 * 1024 * 1024);
        long held = MemoryProbe.ReadStatus(Environment.ProcessId)!.Value.Resident;
        MemoryProbe.ReleaseFreedMemory();
        long after = MemoryProbe.ReadStatus(Environment.ProcessId)!.Value.Resident;
        // The 128 MiB array is garbage once TouchManaged returns; released, it no longer counts in the next run's resident set.
        Assert.True(after < held - 64L * 1024 * 1024, $"resident {MemoryProbe.ToMiB(before):F0} MiB before, {MemoryProbe.ToMiB(held):F0} with the garbage, {MemoryProbe.ToMiB(after):F0} after the release");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void TouchManaged(int bytes)
    {
        var a = GC.AllocateUninitializedArray<byte>(bytes);
        for (int i = 0; i < bytes; i += 4096)
        {
            a[i] = 1;
        }
        GC.KeepAlive(a);
    }

    private static void Touch(int bytes)
    {
        // Native memory, so the managed heap is not involved; every page written, so every page is resident.
        nint p = Marshal.AllocHGlobal(bytes);
        try
        {
            for (int i = 0; i < bytes; i += 4096)
            {
                Marshal.WriteByte(p, i, 1);
            }
        }
        finally
        {
            Marshal.FreeHGlobal(p);
        }
    }

    [Fact]
    public void OnnxRuntimeInATrainingSuiteSaysItHasNoTrainingRows()
    {
        string outDir = Path.Combine(_root, "ort");
        var (code, output) = Run("keras-benchmarks", "--quick", "--models", "mnist_mlp", "--samples", "256", "--runs", "1", "--threads", "1", "--peers", "onnxruntime", "--out", outDir);
        Assert.True(code == 0, output);
        Assert.Contains("ONNX Runtime skipped: ONNX Runtime is an inference peer: it has no training rows in the keras-benchmarks suite", output);
        // The workload's console table has a row for it too, with no figures.
        Assert.Contains(output.Split('\n'), line => line.Contains("ONNX Runtime", StringComparison.Ordinal) && line.Contains("no rows", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var peer = Assert.Single(doc.RootElement.GetProperty("peers").EnumerateArray());
        Assert.Equal("onnxruntime", peer.GetProperty("name").GetString());
        Assert.False(peer.GetProperty("ran").GetBoolean());
        Assert.Contains("no training rows", peer.GetProperty("reason").GetString());
        var w = Assert.Single(doc.RootElement.GetProperty("workloads").EnumerateArray());
        Assert.Equal(["SharpKeras"], w.GetProperty("frameworks").EnumerateArray().Select(f => f.GetProperty("framework").GetString()));
        Assert.Contains("| ONNX Runtime | — | 0 | skipped: ONNX Runtime is an inference peer: it has no training rows", File.ReadAllText(Path.Combine(outDir, "results.md")));
    }

    [Fact]
    public void TheReportComparesPeaksAndMarksLifetimeFigures()
    {
        var w = new WorkloadResult { Name = "w", Description = "d", Supported = true, Metric = "seconds", DataMiB = 3 };
        var sk = new FrameworkResult { Framework = "SharpKeras", Version = "1", Threads = 1 };
        var peer = new FrameworkResult { Framework = "PyTorch", Version = "2", Threads = 1 };
        sk.Runs.Add(new RunResult { Run = 1, Seconds = 1, Memory = new MemoryUse { PeakMiB = 100, BeforeMiB = 80, Scope = MemoryUse.WorkloadScope, ManagedPeakMiB = 12 } });
        sk.Runs.Add(new RunResult { Run = 2, Seconds = 1, Memory = new MemoryUse { PeakMiB = 90, BeforeMiB = 70, Scope = MemoryUse.WorkloadScope, ManagedPeakMiB = 10 } });
        sk.Runs.Add(new RunResult { Run = 3, Seconds = 1, Memory = new MemoryUse { PeakMiB = 300, BeforeMiB = 280, Scope = MemoryUse.WorkloadScope, ManagedPeakMiB = 14 } });
        peer.Runs.Add(new RunResult { Run = 1, Seconds = 2, Memory = new MemoryUse { PeakMiB = 400, BeforeMiB = 300, Scope = MemoryUse.LifetimeScope } });
        w.Frameworks.AddRange([sk, peer]);
        var machine = new MachineInfo { CpuModel = "cpu", Cores = 2, Simd = "s", VectorBits = 256, GemmKernel = "g", DotNet = ".NET", Os = "os", SharpKeras = "1" };
        TrainingSuite.Summarise(w, machine);
        Assert.Equal(0.25, peer.MemoryRatio);
        Assert.Equal(MemoryUse.LifetimeScope, peer.MemoryScope);
        Assert.Null(peer.PeakGrowthMiB);
        // The row's figures are medians over the runs (a first run can start on the harness's start-up memory); the highest is kept too.
        Assert.Equal(100, sk.PeakMemoryMiB);
        Assert.Equal(300, sk.MaxPeakMemoryMiB);
        Assert.Equal(20, sk.PeakGrowthMiB);
        Assert.Equal(12, sk.ManagedPeakMiB);
        var report = new BenchReport
        {
            Suite = "seed", Arguments = ["seed"], Quick = true, StartedUtc = "t", Threads = [1], Machine = machine,
            MemoryMethod = "peak resident set", Workloads = [w],
        };
        string md = ReportWriter.Markdown(report);
        Assert.Contains("| 100.0 | 20.0 | — | 12.0 |", md);
        Assert.Contains("| 400.0 (lifetime) | — | 0.25x | — |", md);
        Assert.Contains("marked (lifetime) is the process's lifetime peak", md);
        Assert.Contains("The training data is 3.0 MiB", md);
    }

    [Fact]
    public void TheInferenceSuiteSaysWhyItHasNoMemoryColumns()
    {
        string method = BenchApp.MemoryMethod("inference")!;
        Assert.StartsWith("not measured", method);
        Assert.Contains("one process", method);
        Assert.Null(BenchApp.MemoryMethod("gemm"));
    }
}
