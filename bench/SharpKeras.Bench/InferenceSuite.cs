using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace SharpKeras.Bench;

/// <summary>
/// The inference suite: each model built once, exported once through SharpKeras's ONNX exporter, then
/// SharpKeras's Predict (batch 128) or PredictOnBatch (batch 1) and ONNX Runtime's session on the exported
/// file run alternately in this process, run after run, at every thread count.
/// </summary>
public static class InferenceSuite
{
    /// <summary>The models timed: the training suites' architectures, named as there.</summary>
    public static IReadOnlyList<Workload> Workloads { get; } =
    [
        Catalog.KerasBenchmarks.Single(w => w.Name == "mnist_mlp"),
        Catalog.KerasExamples.Single(w => w.Name == "mnist_cnn"),
        Catalog.KerasBenchmarks.Single(w => w.Name == "cifar10_cnn"),
        Catalog.KerasBenchmarks.Single(w => w.Name == "lstm"),
        Catalog.KerasBenchmarks.Single(w => w.Name == "gru"),
    ];

    /// <summary>Batch sizes timed: the throughput case and the serving (latency) case.</summary>
    public static IReadOnlyList<int> Batches { get; } = [128, 1];

    /// <summary>The effective sizes of one (model, batch) row under the options.</summary>
    public sealed record Plan(int Samples, int BatchSize, int Runs);

    /// <summary>Samples per timed pass and runs: --batch-size replaces both batch sizes, --samples the sample count.</summary>
    public static IReadOnlyList<Plan> PlansFor(BenchOptions o)
    {
        int[] batches = o.BatchSize is { } b ? [b] : [.. Batches];
        int runs = o.Runs ?? (o.Quick ? 2 : 5);
        return [.. batches.Select(batch =>
        {
            // Batch 1 is a call per sample, so fewer samples keep a pass as long as a batched one.
            int samples = o.Samples ?? (o.Quick ? Math.Max(batch, batch == 1 ? 8 : 2 * batch) : batch == 1 ? 256 : 2048);
            return new Plan(Math.Max(samples, batch), batch, runs);
        })];
    }

    /// <summary>The row name of a model at a batch size.</summary>
    public static string RowName(Workload w, int batch) => $"{w.Name}_b{batch}";

    /// <summary>Every valid --models name (the models, not the rows).</summary>
    public static IReadOnlyList<string> Names => [.. Workloads.Select(w => w.Name)];

    /// <summary>How many progress steps the suite takes.</summary>
    public static int Steps(BenchContext ctx) =>
        Selected(ctx.Options).Count() * PlansFor(ctx.Options).Sum(p => p.Runs) * ctx.Threads.Count * (1 + (ctx.Ort ? 1 : 0));

    /// <summary>ONNX Runtime's version; loads its native library (throws when it cannot).</summary>
    public static string OrtVersion() => OrtRunner.Version;

    private static IEnumerable<Workload> Selected(BenchOptions o) => Workloads.Where(w => o.Models is null || o.Models.Contains(w.Name));

    /// <summary>Runs every selected model at every batch size and thread count.</summary>
    public static void Run(BenchContext ctx)
    {
        var o = ctx.Options;
        foreach (var w in Selected(o))
        {
            Config.SetRandomSeed(o.Seed);
            var model = ModelFactory.Build(w);
            int maxSamples = PlansFor(o).Max(p => p.Samples);
            var data = BenchData.Load(w, maxSamples, o.DataPath, o.Seed);
            model.Predict(data.X.Slice(0, 1), verbose: 0); // builds the weights before the export
            string onnx = Path.Combine(ctx.TempFolder, w.Name + ".onnx");
            model.Export(onnx);
            foreach (var plan in PlansFor(o))
            {
                var x = data.X.Slice(0, Math.Min(plan.Samples, data.Samples));
                int samples = x.Shape[0];
                var result = new WorkloadResult
                {
                    Name = RowName(w, plan.BatchSize), Description = $"{w.Description}; inference only (untrained weights: the arithmetic is the same)",
                    Architecture = w.Architecture, Optimizer = w.Optimizer.ToString(), Supported = true,
                    Metric = plan.BatchSize == 1
                        ? $"seconds for {samples} samples, one PredictOnBatch (ORT: one Run) per sample"
                        : $"seconds of Predict over {samples} samples at batch {plan.BatchSize} (ORT: one Run per batch)",
                    Data = data.Source, Samples = samples, BatchSize = plan.BatchSize, Epochs = 0,
                    FlopsPerTimedRun = ModelFactory.InferenceFlops(w, samples),
                };
                ctx.Report.Workloads.Add(result);
                var sk = new SharpKerasRunner(model, x, plan.BatchSize);
                foreach (int threads in ctx.Threads)
                {
                    var skResult = new FrameworkResult { Framework = "SharpKeras", Version = ctx.Report.Machine.SharpKeras, Threads = threads };
                    result.Frameworks.Add(skResult);
                    FrameworkResult? ortResult = null;
                    OrtRunner? ort = null;
                    if (ctx.Ort)
                    {
                        ortResult = new FrameworkResult { Framework = "ONNX Runtime", Version = OrtRunner.Version, Threads = threads };
                        result.Frameworks.Add(ortResult);
                        try
                        {
                            ort = new OrtRunner(onnx, x, plan.BatchSize, threads);
                        }
                        catch (OnnxRuntimeException e)
                        {
                            ortResult.Error = e.Message;
                            ctx.Log($"ONNX Runtime failed on {w.Name}: {e.Message}");
                        }
                    }
                    try
                    {
                        Config.Threads = threads;
                        sk.Pass(); // warm-up: plans recorded, code jitted
                        if (ort is not null)
                        {
                            ort.Pass();
                            result.MaxAbsDifference = Math.Max(result.MaxAbsDifference ?? 0, MaxAbsDifference(sk.Last, ort.Last));
                        }
                        for (int run = 1; run <= plan.Runs; run++)
                        {
                            ctx.Status($"{result.Name} · {threads} thread(s) · run {run}/{plan.Runs} · SharpKeras");
                            skResult.Runs.Add(Measure(run, samples, result.FlopsPerTimedRun, sk.Pass));
                            ctx.Step();
                            if (ort is not null)
                            {
                                ctx.Status($"{result.Name} · {threads} thread(s) · run {run}/{plan.Runs} · ONNX Runtime");
                                ortResult!.Runs.Add(Measure(run, samples, result.FlopsPerTimedRun, ort.Pass));
                                ctx.Step();
                            }
                            else if (ctx.Ort)
                            {
                                ctx.Step();
                            }
                        }
                    }
                    finally
                    {
                        ort?.Dispose();
                    }
                    TrainingSuite.Summarise(result, ctx.Report.Machine);
                }
                if (result.MaxAbsDifference is > 1e-3)
                {
                    ctx.Log($"{result.Name}: SharpKeras and ONNX Runtime differ by up to {result.MaxAbsDifference:G3} on the same inputs (expected float32 rounding only).");
                }
            }
        }
    }

    /// <summary>The pause before each timed pass, longer than ONNX Runtime's spin-wait after a Run.</summary>
    private const int SettleMilliseconds = 200;

    private static RunResult Measure(int run, int samples, double? flops, Action pass)
    {
        // The frameworks alternate in one process: ONNX Runtime's intra-op threads spin-wait after a Run, and on a small
        // machine they would take the cores from the next pass; a pause lets every idle thread settle before timing.
        Thread.Sleep(SettleMilliseconds);
        // The pause leaves the cores idle, and a pass right after it runs cold: on the 2-core development VM, mnist_mlp's
        // Predict at 2 threads ran about 1.5x slower after a 200 ms sleep than back to back, its second core barely helping.
        // One untimed pass first, so that each framework is timed in the steady state of a stream of requests.
        pass();
        long start = Stopwatch.GetTimestamp();
        pass();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new RunResult { Run = run, Seconds = seconds, InferenceSamplesPerSecond = samples / seconds, Gflops = flops / seconds / 1e9 };
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            return double.PositiveInfinity;
        }
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }
        return max;
    }

    /// <summary>SharpKeras's side: Predict at the batch size, or PredictOnBatch per sample at batch 1.</summary>
    private sealed class SharpKerasRunner(Models.Sequential model, Tensor x, int batch)
    {
        // Single rows made before timing, so the timed loop holds only the calls a server would make.
        private readonly Tensor[] _rows = batch == 1 ? [.. Enumerable.Range(0, x.Shape[0]).Select(i => x.Slice(i, 1))] : [];
        private Tensor? _lastOutput;

        /// <summary>The outputs of the last pass's first batch, flattened.</summary>
        public float[] Last => _lastOutput!.ToArray();

        public void Pass()
        {
            if (batch == 1)
            {
                foreach (var row in _rows)
                {
                    _lastOutput ??= model.PredictOnBatch(row);
                    model.PredictOnBatch(row);
                }
                return;
            }
            var y = model.Predict(x, batch, verbose: 0);
            _lastOutput = y.Slice(0, Math.Min(batch, y.Shape[0]));
        }
    }

    /// <summary>ONNX Runtime's side: one session on the exported file, the batches' inputs made before timing.</summary>
    private sealed class OrtRunner : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly SessionOptions _options;
        private readonly RunOptions _run = new();
        private readonly List<OrtValue> _inputs = [];
        private readonly string[] _inputNames;
        private readonly string[] _outputNames;

        public OrtRunner(string path, Tensor x, int batch, int threads)
        {
            _options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            _session = new InferenceSession(path, _options);
            _inputNames = [_session.InputMetadata.Keys.Single()];
            _outputNames = [_session.OutputMetadata.Keys.Single()];
            float[] all = x.ToArray();
            int n = x.Shape[0], row = all.Length / n;
            long[] shape = [.. x.Shape.ToArray().Select(d => (long)d)];
            for (int start = 0; start < n; start += batch)
            {
                int count = Math.Min(batch, n - start);
                shape[0] = count;
                _inputs.Add(OrtValue.CreateTensorValueFromMemory(all.AsSpan(start * row, count * row).ToArray(), shape));
            }
        }

        /// <summary>ONNX Runtime's version as its C API reports it.</summary>
        public static string Version => OrtEnv.Instance().GetVersionString();

        /// <summary>The outputs of the last pass's first batch, flattened.</summary>
        public float[] Last { get; private set; } = [];

        public void Pass()
        {
            for (int i = 0; i < _inputs.Count; i++)
            {
                using var outputs = _session.Run(_run, _inputNames, [_inputs[i]], _outputNames);
                if (i == 0)
                {
                    Last = outputs[0].GetTensorDataAsSpan<float>().ToArray();
                }
            }
        }

        public void Dispose()
        {
            foreach (var v in _inputs)
            {
                v.Dispose();
            }
            _session.Dispose();
            _options.Dispose();
            _run.Dispose();
        }
    }
}
