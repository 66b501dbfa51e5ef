using System.Globalization;
using Spectre.Console;

namespace SharpKeras.Bench;

/// <summary>What a suite run shares: options, peers, the report being filled, progress and log.</summary>
public sealed class BenchContext
{
    /// <summary>The options.</summary>
    public required BenchOptions Options { get; init; }

    /// <summary>Thread counts to measure at.</summary>
    public required IReadOnlyList<int> Threads { get; init; }

    /// <summary>Peers that started.</summary>
    public required IReadOnlyList<PeerProcess> Peers { get; init; }

    /// <summary>The report being filled.</summary>
    public required BenchReport Report { get; init; }

    /// <summary>Whether ONNX Runtime runs in this process beside SharpKeras (the inference suite with --peers onnxruntime).</summary>
    public bool Ort { get; init; }

    /// <summary>Scratch folder for the peers' data files.</summary>
    public required string TempFolder { get; init; }

    /// <summary>Messages to show after the progress display.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>Sets the progress line.</summary>
    public Action<string> Status { get; set; } = _ => { };

    /// <summary>Advances the progress bar by one run.</summary>
    public Action Step { get; set; } = () => { };

    /// <summary>Measures the machine's peak once more (before a workload), keeping the maximum seen.</summary>
    public Action SamplePeak { get; set; } = () => { };

    /// <summary>Records a message for the end of the run.</summary>
    public void Log(string message) => Messages.Add(message);
}

/// <summary>The harness's entry point: parse, check, measure, report.</summary>
public static class BenchApp
{
    /// <summary>Runs the command line; returns the process exit code (0 done, 2 bad usage, 3 output folder unusable).</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
        if (args.Count > 0 && args[0] == "serve") return ServeSuite.Run(args, console);
        if (args.Count > 0 && args[0] is "scaling" or "scaling-worker") return ScalingSuite.Run(args, console);
        BenchOptions o;
        try
        {
            o = BenchOptions.Parse(args);
            CheckModels(o);
        }
        catch (UsageException e)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            console.WriteLine(BenchOptions.Usage);
            return 2;
        }
        string outDir;
        try
        {
            outDir = PrepareOutput(o.Out);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] cannot write the report to '{o.Out}': {e.Message} Choose another folder with --out DIR.");
            return 3;
        }

        var threads = o.Threads ?? (o.Suite is "gemm" or "inference"
            ? (Environment.ProcessorCount >= 2 ? [1, 2] : [1])
            : [Environment.ProcessorCount]);
        var machine = MachineInfo.Describe();
        var report = new BenchReport
        {
            Suite = o.Suite, Arguments = o.Arguments, Quick = o.Quick, Threads = threads,
            StartedUtc = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            Machine = machine with { PeakMethod = Peak.Method },
        };
        console.MarkupLineInterpolated($"[bold]SharpKeras bench[/] · suite [bold]{o.Suite}[/]{(o.Quick ? " (quick)" : "")} · {machine.CpuModel} · {machine.Cores} cores · {machine.Simd} (GEMM {machine.GemmKernel}) · {machine.DotNet}");
        if (machine.LoadAverage is { } load && load > machine.Cores)
        {
            console.MarkupLineInterpolated($"[yellow]load average {load:F1} is above the {machine.Cores} cores: other work competes, figures will be noisy[/]");
        }
        foreach (int t in threads)
        {
            report.Machine.SamplePeak([t], o.Quick ? 0.05 : 0.3);
            console.MarkupLineInterpolated($"measured peak at {t} thread(s): {report.Machine.PeakGflops[t]:F1} GFLOP/s float32 ({Peak.Method})");
        }

        bool inference = o.Suite == "inference";
        bool ort = inference && o.Peers.Contains("onnxruntime") && StartOrt(report.Peers, console);
        foreach (var p in o.Peers.Where(p => inference ? p != "onnxruntime" : p == "onnxruntime"))
        {
            string why = inference ? "the inference suite compares with ONNX Runtime only" : OrtHasNoRows(o.Suite);
            report.Peers.Add(new PeerStatus(p, p == "onnxruntime" ? "ONNX Runtime" : p == "torchsharp" ? "TorchSharp" : "PyTorch", false, null, why));
            console.MarkupLineInterpolated($"[grey]{p} skipped: {why}[/]");
        }
        var peers = inference ? [] : PeerProcess.StartAll([.. o.Peers.Where(p => p != "onnxruntime")], m => console.MarkupLineInterpolated($"[grey]{m}[/]"), report.Peers);
        string temp = Directory.CreateTempSubdirectory("sharpkeras-bench-").FullName;
        report.MemoryMethod = MemoryMethod(o.Suite);
        if (report.MemoryMethod is { } memoryMethod)
        {
            console.MarkupLineInterpolated($"[grey]memory: {memoryMethod}[/]");
        }
        var ctx = new BenchContext { Options = o, Threads = threads, Peers = peers, Report = report, TempFolder = temp, Ort = ort };
        ctx.SamplePeak = () => report.Machine.SamplePeak(threads, o.Quick ? 0.02 : 0.1);
        try
        {
            int steps = o.Suite == "gemm" ? GemmSuite.Steps(ctx) : inference ? InferenceSuite.Steps(ctx) : TrainingSuite.Steps(ctx);
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(p =>
                {
                    var task = p.AddTask(o.Suite, maxValue: Math.Max(1, steps));
                    ctx.Status = s => task.Description = Markup.Escape(s);
                    ctx.Step = () => task.Increment(1);
                    if (o.Suite == "gemm")
                    {
                        GemmSuite.Run(ctx);
                    }
                    else if (inference)
                    {
                        InferenceSuite.Run(ctx);
                    }
                    else
                    {
                        TrainingSuite.Run(ctx);
                    }
                    task.Description = o.Suite + " done";
                    task.Value = task.MaxValue;
                });
            // A last reading, then every fraction of peak is taken against the maximum seen.
            ctx.SamplePeak();
            foreach (var w in report.Workloads.Where(w => w.Supported && w.Frameworks.Count > 0))
            {
                TrainingSuite.Summarise(w, report.Machine);
            }
            foreach (int t in threads)
            {
                var samples = report.Machine.PeakSamples[t];
                console.MarkupLineInterpolated($"peak at {t} thread(s): {report.Machine.PeakGflops[t]:F1} GFLOP/s, the maximum of {samples.Count} readings ({samples.Min():F1}-{samples.Max():F1})");
            }
            if (o.Profile)
            {
                RunProfile(ctx, console);
            }
        }
        finally
        {
            foreach (var p in peers)
            {
                p.Dispose();
            }
            Directory.Delete(temp, recursive: true);
        }
        report.FinishedUtc = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture);
        foreach (var m in ctx.Messages)
        {
            console.MarkupLineInterpolated($"[yellow]{m}[/]");
        }
        ReportWriter.WriteAll(report, outDir);
        ReportWriter.PrintConsole(report, console);
        console.MarkupLineInterpolated($"report: {Path.Combine(outDir, "results.md")} (also results.json and {report.Files.Count(f => f.EndsWith(".png", StringComparison.Ordinal))} PNG charts)");
        return 0;
    }

    /// <summary>Why ONNX Runtime has no rows in a suite other than inference (said in the console, results.md and results.json).</summary>
    public static string OrtHasNoRows(string suite) =>
        $"ONNX Runtime is an inference peer: it has no {(suite == "gemm" ? "" : "training ")}rows in the {suite} suite " +
        "(it runs only exported models, forward); its figures are in the inference suite (inference --peers onnxruntime)";

    /// <summary>What the memory columns of a suite measure here, or why the suite has none.</summary>
    public static string? MemoryMethod(string suite)
    {
        if (suite == "gemm")
        {
            return null;
        }
        if (suite == "inference")
        {
            return "not measured: SharpKeras and ONNX Runtime run alternately in one process, sharing one resident set " +
                "(each one's weights, arenas and caches stay resident while the other runs), so their peaks cannot be told apart honestly";
        }
        const string what = "peak resident set (RSS high-water mark, MiB) of the framework's process over one run (model build, Fit, inference pass), " +
            "including the runtime, the loaded native libraries and the training data; " +
            "a row's figure is the median over its runs (results.json also has each run's and the highest); growth = that peak minus the resident set just before the run";
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return MemoryProbe.TryResetPeak(self.Id)
            ? what + "; before each run the process gives back memory earlier runs freed (GC, malloc_trim) and the mark is reset " +
              "(Linux /proc/PID/clear_refs), so each run's peak is its own"
            : what + "; the mark could NOT be reset here (no writable /proc/PID/clear_refs), so the peak is the process's lifetime peak " +
              "(it includes every earlier workload of that process) and no growth is given";
    }

    private static void CheckModels(BenchOptions o)
    {
        CheckPlans(o);
        if (o.Models is null)
        {
            return;
        }
        var valid = o.Suite == "gemm" ? GemmSuite.Names(o.Quick)
            : o.Suite == "inference" ? InferenceSuite.Names
            : [.. Catalog.For(o.Suite).Select(w => w.Name)];
        var unknown = o.Models.Where(m => !valid.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown model(s) for suite {o.Suite}: {string.Join(", ", unknown)}. Valid: {string.Join(", ", valid)}.");
        }
    }

    /// <summary>Checks every selected workload's sizes now, so a bad combination fails before any work.</summary>
    private static void CheckPlans(BenchOptions o)
    {
        foreach (var w in Catalog.For(o.Suite).Where(w => w.Supported && (o.Models is null || o.Models.Contains(w.Name))))
        {
            TrainingSuite.PlanFor(o.Suite, w, o);
        }
    }

    /// <summary>Loads ONNX Runtime's native library once; when it cannot load, the peer is skipped with the reason and the run goes on.</summary>
    private static bool StartOrt(List<PeerStatus> statuses, IAnsiConsole console)
    {
        try
        {
            string version = InferenceSuite.OrtVersion();
            statuses.Add(new PeerStatus("onnxruntime", "ONNX Runtime", true, version, null));
            console.MarkupLineInterpolated($"[grey]ONNX Runtime {version} loaded (in process)[/]");
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            string why = $"ONNX Runtime's native library did not load: {e.Message}";
            statuses.Add(new PeerStatus("onnxruntime", "ONNX Runtime", false, null, why));
            console.MarkupLineInterpolated($"[yellow]ONNX Runtime skipped:[/] {why}");
            return false;
        }
    }

    /// <summary>Creates the output folder and proves it writable before any measuring starts.</summary>
    private static string PrepareOutput(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(full);
        string probe = Path.Combine(full, $".write-test-{Environment.ProcessId}");
        File.WriteAllText(probe, "ok");
        File.Delete(probe);
        return full;
    }

    private static void RunProfile(BenchContext ctx, IAnsiConsole console)
    {
        var o = ctx.Options;
        var w = Catalog.For(o.Suite).FirstOrDefault(w => w.Supported && (o.Models is null || o.Models.Contains(w.Name)));
        if (w is null)
        {
            ctx.Log(o.Suite == "gemm"
                ? "--profile applies to the training suites (seed, keras-examples, keras-benchmarks); nothing to profile in gemm."
                : "--profile: no supported model selected, nothing profiled.");
            return;
        }
        var plan = TrainingSuite.PlanFor(o.Suite, w, o);
        var data = BenchData.Load(w, Math.Min(plan.Samples, plan.BatchSize), o.DataPath, o.Seed);
        console.MarkupLineInterpolated($"profiling {w.Name} at batch {plan.BatchSize}, {ctx.Threads[^1]} thread(s) ...");
        ctx.Report.Profile = Profiler.Run(w, data, plan.BatchSize, ctx.Threads[^1], o.Quick ? 3 : 20, o.Seed);
    }
}
