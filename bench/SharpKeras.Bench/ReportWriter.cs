using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScottPlot;
using Spectre.Console;

namespace SharpKeras.Bench;

/// <summary>Writes results.json, results.md and the PNG charts, and prints the console tables.</summary>
public static class ReportWriter
{
    /// <summary>The options results.json is written with.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes every output into <paramref name="folder"/> (each file replaced whole, never half-written).</summary>
    public static void WriteAll(BenchReport report, string folder)
    {
        foreach (var w in report.Workloads.Where(w => w.Supported && w.Frameworks.Any(f => f.Runs.Count > 0)))
        {
            string bar = $"{Safe(w.Name)}-time.png";
            Atomic(Path.Combine(folder, bar), tmp => BarChart(report, w).SavePng(tmp, 900, 500));
            report.Files.Add(bar);
            if (w.Frameworks.Any(f => f.Runs.FirstOrDefault()?.Loss is { Length: > 0 }))
            {
                foreach (var (key, label) in new[] { ("loss", "loss"), ("accuracy", "accuracy") })
                {
                    string curve = $"{Safe(w.Name)}-{key}.png";
                    Atomic(Path.Combine(folder, curve), tmp => CurveChart(w, key, label).SavePng(tmp, 900, 500));
                    report.Files.Add(curve);
                }
            }
        }
        report.Files.Insert(0, "results.md");
        report.Files.Insert(0, "results.json");
        Atomic(Path.Combine(folder, "results.md"), tmp => File.WriteAllText(tmp, Markdown(report)));
        Atomic(Path.Combine(folder, "results.json"), tmp => File.WriteAllText(tmp, JsonSerializer.Serialize(report, Json)));
    }

    private static string Safe(string name) => new([.. name.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_')]);

    private static void Atomic(string path, Action<string> write)
    {
        string tmp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + $".{Environment.ProcessId}.tmp");
        try
        {
            write(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    private static bool IsGemm(BenchReport r) => r.Suite == "gemm";

    private static Plot BarChart(BenchReport report, WorkloadResult w)
    {
        var plot = new Plot();
        var groups = w.Frameworks.Where(f => f.Runs.Count > 0).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var frameworks = groups.Select(f => f.Framework).Distinct().ToList();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (int i = 0; i < groups.Count; i++)
        {
            var f = groups[i];
            double value = IsGemm(report) ? f.MedianGflops ?? 0 : f.MedianSeconds ?? 0;
            bars.Add(new Bar
            {
                Position = i, Value = value, FillColor = palette.GetColor(frameworks.IndexOf(f.Framework)),
                Label = value.ToString(IsGemm(report) ? "F1" : "F3", Inv),
            });
            ticks.Add(new Tick(i, $"{f.Framework}\n{f.Threads} thread(s)"));
        }
        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{w.Name}: {(IsGemm(report) ? "median GFLOP/s (higher is faster)" : "median " + w.Metric + " (lower is faster)")}");
        plot.YLabel(IsGemm(report) ? "GFLOP/s" : "seconds");
        return plot;
    }

    private static Plot CurveChart(WorkloadResult w, string key, string label)
    {
        var plot = new Plot();
        foreach (var f in w.Frameworks.Where(f => f.Runs.Count > 0))
        {
            var run = f.Runs[0];
            var ys = key == "loss" ? run.Loss : run.Accuracy;
            if (ys is not { Length: > 0 })
            {
                continue;
            }
            double[] xs = [.. Enumerable.Range(1, ys.Length).Select(i => (double)i)];
            var s = plot.Add.Scatter(xs, ys);
            s.LegendText = $"{f.Framework} ({f.Threads} thread(s))";
            s.MarkerSize = 8;
        }
        plot.ShowLegend(key == "loss" ? Alignment.UpperRight : Alignment.LowerRight);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Title($"{w.Name}: training {label} per epoch (run 1)");
        plot.XLabel("epoch");
        plot.YLabel(label);
        return plot;
    }

    /// <summary>The report as Markdown tables.</summary>
    public static string Markdown(BenchReport r)
    {
        var sb = new StringBuilder();
        var m = r.Machine;
        sb.AppendLine(Inv, $"# SharpKeras benchmark: {r.Suite}{(r.Quick ? " (quick: small sizes, a smoke test, not comparable with full runs)" : "")}");
        sb.AppendLine();
        sb.AppendLine(Inv, $"Command: `dotnet run -c Release --project bench/SharpKeras.Bench -- {string.Join(' ', r.Arguments)}`  ");
        sb.AppendLine(Inv, $"Started {r.StartedUtc}, finished {r.FinishedUtc}.");
        sb.AppendLine();
        sb.AppendLine("| machine | |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(Inv, $"| CPU | {m.CpuModel}, {m.Cores} logical cores |");
        sb.AppendLine(Inv, $"| SIMD | {m.Simd}; SharpKeras GEMM micro-kernel {m.GemmKernel}; Vector<float> {m.VectorBits} bits |");
        sb.AppendLine(Inv, $"| runtime | {m.DotNet}, {m.Os} |");
        if (m.LoadAverage is { } load)
        {
            sb.AppendLine(Inv, $"| load average at start | {load:F2}{(load > m.Cores ? $" (above the {m.Cores} cores: other work competed, figures are noisy)" : "")} |");
        }
        sb.AppendLine(Inv, $"| SharpKeras | {m.SharpKeras} |");
        foreach (var (t, g) in m.PeakGflops.OrderBy(kv => kv.Key))
        {
            sb.AppendLine(Inv, $"| measured peak, {t} thread(s) | {g:F1} GFLOP/s float32 |");
        }
        sb.AppendLine(Inv, $"| peak method | {m.PeakMethod} |");
        foreach (var peer in r.Peers)
        {
            sb.AppendLine(Inv, $"| peer {peer.Framework} | {(peer.Ran ? "ran, " + peer.Version : "skipped: " + peer.Reason)} |");
        }
        if (r.Peers.Count == 0)
        {
            sb.AppendLine("| peers | none requested |");
        }
        if (r.MemoryMethod is { } mm)
        {
            sb.AppendLine(Inv, $"| memory | {mm} |");
        }
        sb.AppendLine();
        foreach (var w in r.Workloads.Where(w => w.Supported))
        {
            sb.AppendLine(Inv, $"## {w.Name}");
            sb.AppendLine();
            sb.AppendLine(w.Description + "  ");
            if (w.Architecture is not null)
            {
                sb.AppendLine(Inv, $"Model: {w.Architecture}; optimizer {w.Optimizer}; loss sparse_categorical_crossentropy.  ");
                sb.AppendLine(Inv, $"Data: {w.Data}; {w.Samples} samples, batch {w.BatchSize}, {w.Epochs} epoch(s) per run.  ");
            }
            sb.AppendLine(Inv, $"Figure: {w.Metric}.");
            sb.AppendLine();
            bool inference = w.Frameworks.Any(f => f.MedianInferenceSamplesPerSecond is not null);
            bool curves = w.Frameworks.Any(f => f.FinalAccuracy is not null);
            sb.Append("| framework | threads | runs | median s | min s | max s | avg s | total s | SharpKeras / peer (time; < 1 is faster) | GFLOP/s | SharpKeras / peer (GFLOP/s; > 1 is faster) | % of peak |");
            bool memory = w.Frameworks.Any(f => f.PeakMemoryMiB is not null);
            bool managed = w.Frameworks.Any(f => f.ManagedPeakMiB is not null);
            sb.Append(curves ? " final loss | final accuracy |" : "");
            sb.Append(inference ? " inference samples/s | SharpKeras / peer (inference) |" : "");
            sb.Append(memory ? " peak RSS MiB | growth MiB | SharpKeras / peer (peak RSS; < 1 is smaller) |" : "");
            sb.AppendLine(managed ? " managed heap peak MiB |" : "");
            sb.Append("|---|---|---|---|---|---|---|---|---|---|---|---|");
            sb.Append(curves ? "---|---|" : "");
            sb.Append(inference ? "---|---|" : "");
            sb.Append(memory ? "---|---|---|" : "");
            sb.AppendLine(managed ? "---|" : "");
            foreach (var f in w.Frameworks)
            {
                if (f.Runs.Count == 0)
                {
                    sb.AppendLine(Inv, $"| {f.Framework} | {f.Threads} | 0 | failed: {f.Error} |");
                    continue;
                }
                sb.Append(Inv, $"| {f.Framework} {f.Version}{(f.DtypePolicy is { } dp ? $" ({dp})" : "")} | {f.Threads} | {f.Runs.Count} | {F(f.MedianSeconds, 4)} | {F(f.MinSeconds, 4)} | {F(f.MaxSeconds, 4)} | {F(f.AverageSeconds, 4)} | {F(f.TotalSeconds, 3)} | {(f.TimeRatio is { } tr ? tr.ToString("F2", Inv) + "x" : "—")} | {F(f.MedianGflops, 1)} | {(f.GflopsRatio is { } gr ? gr.ToString("F2", Inv) + "x" : "—")} | {(f.FractionOfPeak is { } fp ? (100 * fp).ToString("F0", Inv) + "%" : "—")} |");
                sb.Append(curves ? $" {F(f.FinalLoss, 4)} | {F(f.FinalAccuracy, 4)} |" : "");
                sb.Append(inference ? $" {F(f.MedianInferenceSamplesPerSecond, 0)} | {(f.InferenceRatio is { } ir ? ir.ToString("F2", Inv) + "x" : "—")} |" : "");
                sb.Append(memory ? $" {PeakCell(f)} | {F(f.PeakGrowthMiB, 1)} | {(f.MemoryRatio is { } mr ? mr.ToString("F2", Inv) + "x" : "—")} |" : "");
                sb.AppendLine(managed ? $" {F(f.ManagedPeakMiB, 1)} |" : "");
            }
            foreach (var peer in r.Peers.Where(x => !x.Ran))
            {
                sb.AppendLine(Inv, $"| {peer.Framework} | — | 0 | skipped: {peer.Reason} |");
            }
            sb.AppendLine();
            if (memory)
            {
                sb.Append("Memory: peak RSS is the median over the runs of each run's resident-set high-water mark, in MiB, including the runtime and loaded libraries");
                sb.Append(w.Frameworks.Any(f => f.MemoryScope == MemoryUse.LifetimeScope)
                    ? "; a figure marked (lifetime) is the process's lifetime peak (the mark could not be reset before the run), with no growth"
                    : "; the mark was reset before each run");
                if (w.DataMiB is { } dm)
                {
                    sb.Append(Inv, $". The training data is {dm:F1} MiB: SharpKeras holds it before its run starts (not in its growth), a peer reads it inside its run (in its growth)");
                }
                sb.AppendLine(managed ? ". Managed heap peak: SharpKeras's GC heap, sampled every 10 ms and before each collection." : ".");
                sb.AppendLine();
            }
            if (w.FlopsPerStep is { } fps)
            {
                var sk = w.Frameworks.FirstOrDefault(f => f.Framework == "SharpKeras" && f.MedianGflops is not null);
                sb.Append(Inv, $"Roofline: {fps / 1e9:F3} GFLOP of matrix multiplies per training step at batch {w.BatchSize}");
                if (sk is not null)
                {
                    sb.Append(Inv, $"; SharpKeras achieves {sk.MedianGflops:F1} GFLOP/s over the timed work, {100 * sk.FractionOfPeak:F0}% of the {sk.Threads}-thread peak");
                }
                sb.AppendLine(".");
                sb.AppendLine();
            }
            foreach (var file in r.Files.Where(f => f.StartsWith(Safe(w.Name) + "-", StringComparison.Ordinal)))
            {
                sb.AppendLine(Inv, $"![{file}]({file})");
            }
            sb.AppendLine();
        }
        var unsupported = r.Workloads.Where(w => !w.Supported).ToList();
        if (unsupported.Count > 0)
        {
            sb.AppendLine("## Not yet supported");
            sb.AppendLine();
            sb.AppendLine("| workload | model | GFLOP per training step | why not run |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var w in unsupported)
            {
                string flops = w.FlopsPerStep is { } f ? $"{f / 1e9:F3} (batch {w.BatchSize})" : "—";
                sb.AppendLine(Inv, $"| {w.Name} | {w.Architecture} | {flops} | {w.NotSupportedReason} |");
            }
            sb.AppendLine();
        }
        if (r.Profile is { } p)
        {
            sb.AppendLine(Inv, $"## Profile: {p.Workload}, batch {p.BatchSize}, {p.Threads} thread(s), average of {p.Steps} steps");
            sb.AppendLine();
            sb.AppendLine("| layer | kind | forward ms | backward ms | share of step |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var row in p.Rows)
            {
                sb.AppendLine(Inv, $"| {row.Name} | {row.Kind} | {(row.ForwardSeconds > 0 ? (1000 * row.ForwardSeconds).ToString("F3", Inv) : "—")} | {1000 * row.BackwardSeconds:F3} | {100 * row.Share:F1}% |");
            }
            sb.AppendLine(Inv, $"| sum of rows | | | {1000 * p.Rows.Sum(x => x.ForwardSeconds + x.BackwardSeconds):F3} | 100% |");
            sb.AppendLine(Inv, $"| whole step as Fit runs it | | | {1000 * p.WholeStepSeconds:F3} | |");
            sb.AppendLine();
            sb.AppendLine(p.Method);
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string PeakCell(FrameworkResult f) =>
        F(f.PeakMemoryMiB, 1) + (f.MemoryScope == MemoryUse.LifetimeScope ? " (lifetime)" : "");

    private static string F(double? v, int digits) => v is { } x ? x.ToString("F" + digits, Inv) : "—";

    /// <summary>Prints one table per workload, the unsupported list and the profile.</summary>
    public static void PrintConsole(BenchReport r, IAnsiConsole console)
    {
        foreach (var peer in r.Peers.Where(x => !x.Ran))
        {
            console.MarkupLineInterpolated($"[yellow]{peer.Framework} skipped:[/] {peer.Reason}");
        }
        foreach (var w in r.Workloads.Where(w => w.Supported))
        {
            bool gemm = IsGemm(r);
            bool inference = w.Frameworks.Any(f => f.MedianInferenceSamplesPerSecond is not null);
            var table = new Table().Title($"{Markup.Escape(w.Name)}: {Markup.Escape(w.Metric ?? "")}").Border(TableBorder.Rounded);
            var columns = new List<string> { "framework", "threads", "runs", gemm ? "median ms" : "median s", gemm ? "SK/peer GFLOP/s" : "SK/peer time", "GFLOP/s", "% peak" };
            bool curves = w.Frameworks.Any(f => f.FinalAccuracy is not null);
            if (curves)
            {
                columns.Add("final acc");
            }
            if (inference)
            {
                columns.AddRange(["infer/s", "SK/peer infer"]);
            }
            bool memory = w.Frameworks.Any(f => f.PeakMemoryMiB is not null);
            if (memory)
            {
                columns.AddRange(["peak RSS MiB", "growth MiB", "SK/peer RSS"]);
            }
            foreach (var c in columns)
            {
                table.AddColumn(new TableColumn(c).RightAligned());
            }
            foreach (var f in w.Frameworks)
            {
                var cells = new List<string> { Markup.Escape(f.DtypePolicy is { } dp ? $"{f.Framework} ({dp})" : f.Framework), f.Threads.ToString(Inv), f.Runs.Count.ToString(Inv) };
                if (f.Runs.Count == 0)
                {
                    cells.Add("[red]failed[/]");
                    cells.AddRange(Enumerable.Repeat("", columns.Count - cells.Count));
                    table.AddRow([.. cells]);
                    continue;
                }
                double? ratio = gemm ? f.GflopsRatio : f.TimeRatio;
                cells.AddRange([
                    gemm ? F(1000 * f.MedianSeconds, 3) : F(f.MedianSeconds, 4),
                    ratio is { } x ? x.ToString("F2", Inv) + "x" : "—",
                    F(f.MedianGflops, 1),
                    f.FractionOfPeak is { } fp ? (100 * fp).ToString("F0", Inv) + "%" : "—",
                ]);
                if (curves)
                {
                    cells.Add(F(f.FinalAccuracy, 4));
                }
                if (inference)
                {
                    cells.AddRange([F(f.MedianInferenceSamplesPerSecond, 0), f.InferenceRatio is { } ir ? ir.ToString("F2", Inv) + "x" : "—"]);
                }
                if (memory)
                {
                    cells.AddRange([Markup.Escape(PeakCell(f)), F(f.PeakGrowthMiB, 1), f.MemoryRatio is { } mr ? mr.ToString("F2", Inv) + "x" : "—"]);
                }
                table.AddRow([.. cells]);
            }
            foreach (var peer in r.Peers.Where(x => !x.Ran && x.Name == "onnxruntime"))
            {
                var cells = new List<string> { Markup.Escape(peer.Framework), "—", "0", "[grey]no rows[/]" };
                cells.AddRange(Enumerable.Repeat("", columns.Count - cells.Count));
                table.AddRow([.. cells]);
            }
            console.Write(table);
            if (w.FlopsPerStep is { } fps && w.Frameworks.FirstOrDefault(f => f.Framework == "SharpKeras" && f.MedianGflops is not null) is { } sk)
            {
                console.MarkupLineInterpolated($"roofline: {fps / 1e9:F3} GFLOP per training step at batch {w.BatchSize}; SharpKeras {sk.MedianGflops:F1} GFLOP/s = {100 * sk.FractionOfPeak:F0}% of the {sk.Threads}-thread peak ({r.Machine.PeakGflops.GetValueOrDefault(sk.Threads):F1} GFLOP/s)");
            }
        }
        foreach (var w in r.Workloads.Where(w => !w.Supported))
        {
            console.MarkupLineInterpolated($"[grey]{w.Name}: {w.NotSupportedReason}[/]");
        }
        if (r.MemoryMethod is { } mm)
        {
            console.MarkupLineInterpolated($"[grey]memory: {mm}[/]");
        }
        if (r.Profile is { } p)
        {
            var table = new Table().Title($"profile: {Markup.Escape(p.Workload)}, batch {p.BatchSize}, {p.Threads} thread(s)").Border(TableBorder.Rounded);
            table.AddColumns("layer", "kind", "forward ms", "backward ms", "share");
            foreach (var row in p.Rows)
            {
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Kind), row.ForwardSeconds > 0 ? (1000 * row.ForwardSeconds).ToString("F3", Inv) : "—",
                    (1000 * row.BackwardSeconds).ToString("F3", Inv), (100 * row.Share).ToString("F1", Inv) + "%");
            }
            table.AddRow("whole step (Fit's way)", "", "", (1000 * p.WholeStepSeconds).ToString("F3", Inv), "");
            console.Write(table);
        }
    }
}
