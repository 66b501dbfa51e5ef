using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SharpKeras.Callbacks;

namespace SharpKeras.Bench;

/// <summary>Runs the training suites (seed, keras-examples, keras-benchmarks): every framework alternately, run after run.</summary>
public static class TrainingSuite
{
    private static readonly JsonSerializerOptions SpecJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The effective sizes of a workload under the options.</summary>
    public sealed record Plan(int Samples, int BatchSize, int Epochs, int Runs, string Metric);

    /// <summary>Sizes after defaults, --quick and explicit options.</summary>
    public static Plan PlanFor(string suite, Workload w, BenchOptions o)
    {
        int defaultRuns = suite == "seed" ? 20 : 3;
        int samples = o.Samples ?? (o.Quick ? (suite == "seed" ? 2000 : w.QuickSamples) : w.Samples);
        int batch = o.BatchSize ?? (o.Quick ? Math.Min(w.BatchSize, suite == "seed" ? 1000 : 128) : w.BatchSize);
        int epochs = o.Epochs ?? (o.Quick ? (suite == "seed" || w.DiscardFirstEpoch ? 2 : 1) : w.Epochs);
        if (w.DiscardFirstEpoch && epochs < 2)
        {
            throw new UsageException($"{w.Name} discards its first epoch (keras_benchmarks' method), so it needs --epochs of at least 2.");
        }
        int runs = o.Runs ?? (o.Quick ? 1 : defaultRuns);
        string metric = suite switch
        {
            "seed" => "seconds of Fit (all epochs)",
            _ when w.DiscardFirstEpoch => $"seconds of the last {epochs - 1} epoch(s) (the first is discarded)",
            _ => "seconds per epoch (mean over the run's epochs)",
        };
        return new Plan(samples, batch, epochs, runs, metric);
    }

    /// <summary>Runs the suite's selected workloads at every thread count.</summary>
    public static void Run(BenchContext ctx)
    {
        var o = ctx.Options;
        foreach (var w in Catalog.For(o.Suite).Where(w => o.Models is null || o.Models.Contains(w.Name)))
        {
            if (!w.Supported)
            {
                ctx.Report.Workloads.Add(new WorkloadResult
                {
                    Name = w.Name, Description = w.Description, Architecture = w.Architecture, Optimizer = w.Optimizer.ToString(),
                    Supported = false, NotSupportedReason = $"not yet supported: needs {w.Missing}",
                    BatchSize = w.BatchSize, FlopsPerStep = ModelFactory.TrainingFlopsPerStep(w, w.BatchSize),
                });
                continue;
            }
            ctx.SamplePeak();
            var plan = PlanFor(o.Suite, w, o);
            var data = BenchData.Load(w, plan.Samples, o.DataPath, o.Seed);
            double? perEpoch = ModelFactory.TrainingFlopsPerStep(w, data.Samples); // FLOPs are linear in the batch
            double timedEpochs = o.Suite == "seed" ? plan.Epochs : w.DiscardFirstEpoch ? plan.Epochs - 1 : 1;
            var result = new WorkloadResult
            {
                Name = w.Name, Description = w.Description, Architecture = w.Architecture, Optimizer = w.Optimizer.ToString(),
                Supported = true, Metric = plan.Metric, Data = data.Source, Samples = data.Samples, BatchSize = plan.BatchSize,
                Epochs = plan.Epochs, FlopsPerStep = ModelFactory.TrainingFlopsPerStep(w, plan.BatchSize),
                FlopsPerTimedRun = perEpoch * timedEpochs,
                DataMiB = MemoryProbe.ToMiB(4L * (data.X.Shape.ToArray().Aggregate(1L, (p, d) => p * d) + data.Samples)),
            };
            ctx.Report.Workloads.Add(result);
            (string X, string Y)? raw = ctx.Peers.Count > 0 ? data.WriteRaw(Path.Combine(ctx.TempFolder, w.Name)) : null;
            foreach (int threads in ctx.Threads)
            {
                string? policy = o.DtypePolicy == "float32" ? null : o.DtypePolicy;
                var sk = new FrameworkResult { Framework = "SharpKeras", Version = ctx.Report.Machine.SharpKeras, Threads = threads, DtypePolicy = policy };
                var peers = ctx.Peers.Select(p => (Peer: p, Result: new FrameworkResult { Framework = p.Framework, Version = p.Version, Threads = threads })).ToList();
                result.Frameworks.Add(sk);
                // The fused attention kernel against the plain composition (flashAttention: false), timed the same way.
                var composed = HasAttention(w) ? new FrameworkResult { Framework = ComposedAttention, Version = ctx.Report.Machine.SharpKeras, Threads = threads, DtypePolicy = policy } : null;
                if (composed is not null)
                {
                    result.Frameworks.Add(composed);
                }
                result.Frameworks.AddRange(peers.Select(p => p.Result));
                for (int run = 1; run <= plan.Runs; run++)
                {
                    ctx.Status($"{w.Name} · {threads} thread(s) · run {run}/{plan.Runs} · SharpKeras");
                    sk.Runs.Add(RunSharpKeras(w, data, plan, threads, o.Seed + run, run, result.FlopsPerTimedRun, o.DtypePolicy));
                    ctx.Step();
                    if (composed is not null)
                    {
                        ctx.Status($"{w.Name} · {threads} thread(s) · run {run}/{plan.Runs} · {ComposedAttention}");
                        composed.Runs.Add(RunSharpKeras(w, data, plan, threads, o.Seed + run, run, result.FlopsPerTimedRun, o.DtypePolicy, composedAttention: true));
                        ctx.Step();
                    }
                    foreach (var (peer, pr) in peers)
                    {
                        if (pr.Error is not null)
                        {
                            ctx.Step();
                            continue;
                        }
                        ctx.Status($"{w.Name} · {threads} thread(s) · run {run}/{plan.Runs} · {peer.Framework}");
                        try
                        {
                            pr.Runs.Add(RunPeer(peer, w, raw!.Value, data, plan, threads, o.Seed + run, run, result.FlopsPerTimedRun));
                        }
                        catch (InvalidOperationException e)
                        {
                            pr.Error = e.Message;
                            ctx.Log($"{peer.Framework} failed on {w.Name}: {e.Message}");
                        }
                        ctx.Step();
                    }
                }
                Summarise(result, ctx.Report.Machine);
            }
        }
    }

    /// <summary>How many progress steps the suite takes (runs x frameworks x thread counts).</summary>
    public static int Steps(BenchContext ctx) => Catalog.For(ctx.Options.Suite)
        .Where(w => w.Supported && (ctx.Options.Models is null || ctx.Options.Models.Contains(w.Name)))
        .Sum(w => PlanFor(ctx.Options.Suite, w, ctx.Options).Runs * (1 + (HasAttention(w) ? 1 : 0) + ctx.Peers.Count) * ctx.Threads.Count);

    /// <summary>The row of SharpKeras with MultiHeadAttention on the plain composition instead of the fused kernel.</summary>
    public const string ComposedAttention = "SharpKeras, composed attention";

    private static bool HasAttention(Workload w) => w.Layers.Any(l => l.Type == "transformer_block");

    /// <summary>Ratios against SharpKeras and fractions of peak, per thread count.</summary>
    public static void Summarise(WorkloadResult result, MachineInfo machine)
    {
        foreach (var group in result.Frameworks.GroupBy(f => f.Threads))
        {
            var sk = group.First(f => f.Framework == "SharpKeras");
            foreach (var f in group)
            {
                if (f.MedianGflops is { } g && machine.PeakGflops.TryGetValue(f.Threads, out double peak) && peak > 0)
                {
                    f.FractionOfPeak = g / peak;
                }
                if (!ReferenceEquals(f, sk))
                {
                    f.TimeRatio = sk.MedianSeconds / f.MedianSeconds;
                    f.InferenceRatio = sk.MedianInferenceSamplesPerSecond / f.MedianInferenceSamplesPerSecond;
                    f.GflopsRatio = sk.MedianGflops / f.MedianGflops;
                    f.MemoryRatio = sk.PeakMemoryMiB / f.PeakMemoryMiB;
                }
            }
        }
    }

    private static double TimedSeconds(Workload w, Plan plan, double fitSeconds, IReadOnlyList<double> epochSeconds) =>
        plan.Metric.StartsWith("seconds of Fit", StringComparison.Ordinal) ? fitSeconds
        : w.DiscardFirstEpoch ? epochSeconds.Skip(1).Sum()
        : epochSeconds.Average();

    private static RunResult RunSharpKeras(Workload w, BenchData data, Plan plan, int threads, int seed, int run, double? flops, string dtypePolicy, bool composedAttention = false)
    {
        MemoryProbe.ReleaseFreedMemory();
        using var self = Process.GetCurrentProcess();
        using var memory = MemoryProbe.Start(self, managedHeap: true);
        var result = TrainSharpKeras(w, data, plan, threads, seed, run, flops, dtypePolicy, composedAttention);
        return result with { Memory = memory.Stop() };
    }

    private static RunResult TrainSharpKeras(Workload w, BenchData data, Plan plan, int threads, int seed, int run, double? flops, string dtypePolicy, bool composedAttention)
    {
        Config.Threads = threads;
        Config.SetRandomSeed(seed);
        // The layers ModelFactory makes take it when made; per flow, so it reaches this run's model only.
        Config.SetDtypePolicy(dtypePolicy);
        var model = ModelFactory.Build(w, composedAttention);
        var timer = new EpochTimer();
        var clock = Stopwatch.StartNew();
        var history = model.Fit(data.X, data.Y, plan.BatchSize, plan.Epochs, verbose: 0, seed: seed, callbacks: [timer]);
        double fit = clock.Elapsed.TotalSeconds;
        double? inference = null;
        if (w.InferenceBatch > 0)
        {
            model.Predict(data.X, w.InferenceBatch, verbose: 0); // warm-up pass
            clock.Restart();
            model.Predict(data.X, w.InferenceBatch, verbose: 0);
            inference = data.Samples / clock.Elapsed.TotalSeconds;
        }
        double seconds = TimedSeconds(w, plan, fit, timer.Seconds);
        return new RunResult
        {
            Run = run, Seconds = seconds, EpochSeconds = [.. timer.Seconds],
            Loss = history.HistoryData.TryGetValue("loss", out var l) ? [.. l] : null,
            Accuracy = history.HistoryData.TryGetValue("accuracy", out var a) ? [.. a] : null,
            InferenceSamplesPerSecond = inference, Gflops = flops / seconds / 1e9,
        };
    }

    private static RunResult RunPeer(PeerProcess peer, Workload w, (string X, string Y) raw, BenchData data, Plan plan, int threads, int seed, int run, double? flops)
    {
        var job = new JsonObject
        {
            ["kind"] = "train",
            ["threads"] = threads,
            ["seed"] = seed,
            ["x"] = Path.GetFullPath(raw.X),
            ["y"] = Path.GetFullPath(raw.Y),
            ["xShape"] = new JsonArray([.. data.X.Shape.ToArray().Select(d => (JsonNode)d)]),
            ["layers"] = JsonSerializer.SerializeToNode(w.Layers, SpecJson),
            ["optimizer"] = JsonSerializer.SerializeToNode(w.Optimizer, SpecJson),
            ["batchSize"] = plan.BatchSize,
            ["epochs"] = plan.Epochs,
            ["inferenceBatch"] = w.InferenceBatch,
        };
        JsonObject answer;
        MemoryUse memory;
        peer.ReleaseFreedMemory(threads);
        using (var watch = peer.WatchMemory())
        {
            answer = peer.Run(job);
            memory = watch.Stop();
        }
        double[] Doubles(string name) => [.. answer[name]!.AsArray().Select(v => v!.GetValue<double>())];
        var epochSeconds = Doubles("epochSeconds");
        double seconds = TimedSeconds(w, plan, answer["fitSeconds"]!.GetValue<double>(), epochSeconds);
        double? inference = answer["inferenceSeconds"] is { } s ? answer["inferenceSamples"]!.GetValue<double>() / s.GetValue<double>() : null;
        return new RunResult
        {
            Run = run, Seconds = seconds, EpochSeconds = epochSeconds, Loss = Doubles("loss"), Accuracy = Doubles("accuracy"),
            InferenceSamplesPerSecond = inference, Gflops = flops / seconds / 1e9, Memory = memory,
        };
    }

    private sealed class EpochTimer : Callback
    {
        private readonly Stopwatch _clock = new();

        public List<double> Seconds { get; } = [];

        public override void OnEpochBegin(int epoch) => _clock.Restart();

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => Seconds.Add(_clock.Elapsed.TotalSeconds);
    }
}
