using System.Text.Json;
using Spectre.Console;

namespace SharpKeras.Bench.Tests;

/// <summary>The inference suite with ONNX Runtime in process, at tiny sizes.</summary>
public sealed class InferenceSuiteTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharpkeras-bench-infer-").FullName;

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

    private static JsonDocument Results(string outDir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));

    [Fact]
    public void OnnxRuntimeAlternatesWithSharpKerasAtBatch128AndBatch1()
    {
        string outDir = Path.Combine(_root, "ort");
        var (code, output) = Run("inference", "--quick", "--peers", "onnxruntime", "--threads", "1,2", "--models", "mnist_mlp,gru", "--runs", "2", "--out", outDir);
        Assert.True(code == 0, output);
        using var doc = Results(outDir);
        var r = doc.RootElement;
        Assert.Equal("inference", r.GetProperty("suite").GetString());
        var peer = Assert.Single(r.GetProperty("peers").EnumerateArray());
        Assert.Equal("onnxruntime", peer.GetProperty("name").GetString());
        Assert.True(peer.GetProperty("ran").GetBoolean(), peer.ToString());
        Assert.StartsWith("1.31", peer.GetProperty("version").GetString());
        var rows = r.GetProperty("workloads").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);
        Assert.Equal(["gru_b1", "gru_b128", "mnist_mlp_b1", "mnist_mlp_b128"], rows.Keys.Order());
        foreach (var (name, w) in rows)
        {
            Assert.Equal(name.EndsWith("_b1", StringComparison.Ordinal) ? 1 : 128, w.GetProperty("batchSize").GetInt32());
            // The same exported model on the same inputs: the two agree to float32 rounding.
            Assert.InRange(w.GetProperty("maxAbsDifference").GetDouble(), 0, 1e-4);
            var frameworks = w.GetProperty("frameworks").EnumerateArray().ToList();
            Assert.Equal(["SharpKeras", "ONNX Runtime", "SharpKeras", "ONNX Runtime"], frameworks.Select(f => f.GetProperty("framework").GetString()));
            Assert.Equal([1, 1, 2, 2], frameworks.Select(f => f.GetProperty("threads").GetInt32()));
            foreach (var f in frameworks)
            {
                var runs = f.GetProperty("runs").EnumerateArray().ToList();
                Assert.Equal(2, runs.Count);
                Assert.All(runs, run => Assert.True(run.GetProperty("inferenceSamplesPerSecond").GetDouble() > 0));
                Assert.True(f.GetProperty("medianGflops").GetDouble() > 0);
            }
            Assert.All(frameworks.Where(f => f.GetProperty("framework").GetString() == "ONNX Runtime"),
                f => Assert.True(f.GetProperty("inferenceRatio").GetDouble() > 0));
        }
        string md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("## mnist_mlp_b128", md);
        Assert.Contains("peer ONNX Runtime | ran, 1.31", md);
        Assert.Contains("SharpKeras / peer (inference)", md);
    }

    [Fact]
    public void BatchSizeOptionReplacesBothBatchesAndNoPeerRunsSharpKerasAlone()
    {
        string outDir = Path.Combine(_root, "none");
        var (code, output) = Run("inference", "--quick", "--peers", "none", "--threads", "1", "--models", "lstm", "--batch-size", "4", "--samples", "8", "--runs", "1", "--out", outDir);
        Assert.True(code == 0, output);
        using var doc = Results(outDir);
        var w = Assert.Single(doc.RootElement.GetProperty("workloads").EnumerateArray());
        Assert.Equal("lstm_b4", w.GetProperty("name").GetString());
        Assert.Equal(8, w.GetProperty("samples").GetInt32());
        var f = Assert.Single(w.GetProperty("frameworks").EnumerateArray());
        Assert.Equal("SharpKeras", f.GetProperty("framework").GetString());
        Assert.Empty(doc.RootElement.GetProperty("peers").EnumerateArray());
        // One process holds both frameworks, so the suite reports no memory figures and says why.
        Assert.StartsWith("not measured", doc.RootElement.GetProperty("memoryMethod").GetString());
        Assert.All(f.GetProperty("runs").EnumerateArray(), run => Assert.False(run.TryGetProperty("memory", out _)));
    }

    [Fact]
    public void PeersOfTheOtherKindAreSkippedWithTheReason()
    {
        string gemmOut = Path.Combine(_root, "gemm");
        var (code, output) = Run("gemm", "--quick", "--peers", "onnxruntime", "--threads", "1", "--models", "mlp_128x512x512", "--out", gemmOut);
        Assert.True(code == 0, output);
        Assert.Contains("onnxruntime skipped: ONNX Runtime is an inference peer", output);
        using (var doc = Results(gemmOut))
        {
            var peer = Assert.Single(doc.RootElement.GetProperty("peers").EnumerateArray());
            Assert.False(peer.GetProperty("ran").GetBoolean());
        }

        string inferOut = Path.Combine(_root, "infer");
        (code, output) = Run("inference", "--quick", "--peers", "torchsharp", "--threads", "1", "--models", "mnist_mlp", "--batch-size", "2", "--samples", "4", "--runs", "1", "--out", inferOut);
        Assert.True(code == 0, output);
        Assert.Contains("torchsharp skipped: the inference suite compares with ONNX Runtime only", output);
    }

    [Fact]
    public void UnknownInferenceModelListsTheValidOnes()
    {
        var (code, output) = Run("inference", "--models", "resnet50", "--out", Path.Combine(_root, "x"));
        Assert.Equal(2, code);
        Assert.Contains("mnist_mlp, mnist_cnn, cifar10_cnn, lstm, gru", output);
    }

    [Fact]
    public void InferenceDefaultsToOnnxRuntimeAndTrainingToTheTrainingPeers()
    {
        Assert.Equal(["onnxruntime"], BenchOptions.Parse(["inference"]).Peers);
        Assert.Equal(["torchsharp", "pytorch"], BenchOptions.Parse(["seed"]).Peers);
        Assert.Equal(["onnxruntime"], BenchOptions.Parse(["keras-benchmarks", "--peers", "onnxruntime"]).Peers);
    }
}
