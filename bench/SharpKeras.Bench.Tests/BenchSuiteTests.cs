using System.Text.Json;
using Spectre.Console;

namespace SharpKeras.Bench.Tests;

/// <summary>Runs each suite's --quick path in-process without peers and checks what it writes.</summary>
public sealed class BenchSuiteTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharpkeras-bench-test-").FullName;

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
        console.Profile.Width = 400; // no wrapping, so the messages can be searched
        int code = BenchApp.Run(args, console);
        return (code, writer.ToString());
    }

    [Theory]
    [InlineData("seed", new[] { "seed_mlp" }, new string[0])]
    [InlineData("keras-examples", new[] { "mnist_mlp", "mnist_cnn", "cifar10_cnn", "mnist_hierarchical_rnn", "babi_rnn", "transformer" }, new string[0])]
    [InlineData("keras-benchmarks", new[] { "mnist_mlp", "cifar10_cnn", "lstm", "gru" }, new string[0])]
    [InlineData("gemm", new[] { "square_256", "fwd_1000x784x128", "dW_784x1000x128", "dX_1000x128x784", "mlp_128x512x512" }, new string[0])]
    public void QuickSuiteWritesTheFourKindsOfOutput(string suite, string[] ran, string[] notYet)
    {
        string outDir = Path.Combine(_root, suite);
        var (code, output) = Run(suite, "--quick", "--peers", "none", "--threads", "1", "--out", outDir);
        Assert.True(code == 0, output);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var r = doc.RootElement;
        Assert.Equal("sharpkeras-bench/1", r.GetProperty("schema").GetString());
        Assert.Equal(suite, r.GetProperty("suite").GetString());
        Assert.True(r.GetProperty("quick").GetBoolean());
        var machine = r.GetProperty("machine");
        Assert.False(string.IsNullOrWhiteSpace(machine.GetProperty("cpuModel").GetString()));
        Assert.True(machine.GetProperty("cores").GetInt32() >= 1);
        Assert.False(string.IsNullOrWhiteSpace(machine.GetProperty("simd").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(machine.GetProperty("gemmKernel").GetString()));
        Assert.StartsWith(".NET", machine.GetProperty("dotNet").GetString());
        Assert.True(machine.GetProperty("peakGflops").GetProperty("1").GetDouble() > 0);
        Assert.Equal([1], r.GetProperty("threads").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Empty(r.GetProperty("peers").EnumerateArray());

        var workloads = r.GetProperty("workloads").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);
        Assert.Equal(ran.Concat(notYet).Order(), workloads.Keys.Order());
        foreach (var name in ran)
        {
            var w = workloads[name];
            Assert.True(w.GetProperty("supported").GetBoolean());
            // The transformer also times SharpKeras with its attention on the plain composition, against the fused kernel.
            var frameworks = w.GetProperty("frameworks").EnumerateArray().ToList();
            Assert.Equal(name == "transformer" ? ["SharpKeras", "SharpKeras, composed attention"] : ["SharpKeras"],
                frameworks.Select(f => f.GetProperty("framework").GetString()));
            var fw = frameworks[0];
            Assert.Equal(1, fw.GetProperty("threads").GetInt32());
            var runs = fw.GetProperty("runs").EnumerateArray().ToList();
            Assert.NotEmpty(runs);
            Assert.All(runs, run => Assert.True(run.GetProperty("seconds").GetDouble() > 0));
            Assert.True(fw.GetProperty("medianSeconds").GetDouble() > 0);
            Assert.True(fw.GetProperty("medianGflops").GetDouble() > 0);
            Assert.True(fw.GetProperty("fractionOfPeak").GetDouble() > 0);
            if (suite != "gemm")
            {
                int epochs = w.GetProperty("epochs").GetInt32();
                Assert.True(w.GetProperty("flopsPerStep").GetDouble() > 0);
                Assert.Equal(epochs, runs[0].GetProperty("epochSeconds").GetArrayLength());
                Assert.Equal(epochs, runs[0].GetProperty("loss").GetArrayLength());
                Assert.All(runs[0].GetProperty("loss").EnumerateArray(), l => Assert.True(double.IsFinite(l.GetDouble()) && l.GetDouble() > 0));
                Assert.Equal(epochs, runs[0].GetProperty("accuracy").GetArrayLength());
                // Each training run carries its resident-set peak (per run where /proc resets it, else the lifetime peak, labelled).
                var memory = runs[0].GetProperty("memory");
                Assert.Contains(memory.GetProperty("scope").GetString(), new[] { MemoryUse.WorkloadScope, MemoryUse.LifetimeScope });
                Assert.True(memory.GetProperty("peakMiB").GetDouble() > 0);
                Assert.True(memory.GetProperty("managedPeakMiB").GetDouble() > 0);
                Assert.True(fw.GetProperty("peakMemoryMiB").GetDouble() > 0);
                Assert.True(w.GetProperty("dataMiB").GetDouble() > 0);
                Assert.True(File.Exists(Path.Combine(outDir, $"{name}-loss.png")));
                Assert.True(File.Exists(Path.Combine(outDir, $"{name}-accuracy.png")));
            }
            Assert.True(File.Exists(Path.Combine(outDir, $"{name}-time.png")));
        }
        foreach (var name in notYet)
        {
            var w = workloads[name];
            Assert.False(w.GetProperty("supported").GetBoolean());
            Assert.StartsWith("not yet supported", w.GetProperty("notSupportedReason").GetString());
            Assert.Empty(w.GetProperty("frameworks").EnumerateArray());
        }

        string md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains($"# SharpKeras benchmark: {suite}", md);
        if (suite == "gemm")
        {
            Assert.False(r.TryGetProperty("memoryMethod", out _));
            Assert.DoesNotContain("peak RSS", md);
        }
        else
        {
            Assert.Contains("including the runtime", r.GetProperty("memoryMethod").GetString());
            Assert.Contains("| peak RSS MiB | growth MiB | SharpKeras / peer (peak RSS; < 1 is smaller) | managed heap peak MiB |", md);
            Assert.Contains("peak RSS MiB", output);
        }
        foreach (var name in ran)
        {
            Assert.Contains($"## {name}", md);
        }
        if (notYet.Length > 0)
        {
            Assert.Contains("## Not yet supported", md);
        }
        var png = File.ReadAllBytes(Path.Combine(outDir, $"{ran[0]}-time.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void ProfileBreaksTheStepDownPerLayer()
    {
        string outDir = Path.Combine(_root, "profile");
        var (code, output) = Run("keras-benchmarks", "--quick", "--peers", "none", "--threads", "1", "--profile", "--models", "mnist_mlp", "--out", outDir);
        Assert.True(code == 0, output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var p = doc.RootElement.GetProperty("profile");
        Assert.Equal("mnist_mlp", p.GetProperty("workload").GetString());
        var rows = p.GetProperty("rows").EnumerateArray().ToList();
        // dense, dropout, dense_1, dropout_1, dense_2, then the loss and the optimizer.
        Assert.Equal(["dense", "dropout", "dense_1", "dropout_1", "dense_2", "loss", "optimizer"], rows.Select(r => r.GetProperty("name").GetString()));
        Assert.All(rows.Take(5), r => Assert.True(r.GetProperty("forwardSeconds").GetDouble() > 0));
        Assert.All(rows.Where(r => r.GetProperty("name").GetString()!.StartsWith("dense", StringComparison.Ordinal)),
            r => Assert.True(r.GetProperty("backwardSeconds").GetDouble() > 0));
        Assert.Equal(1.0, rows.Sum(r => r.GetProperty("share").GetDouble()), 6);
        Assert.True(p.GetProperty("wholeStepSeconds").GetDouble() > 0);
        Assert.Contains("## Profile: mnist_mlp", File.ReadAllText(Path.Combine(outDir, "results.md")));
    }

    [Fact]
    public void APeerThatCannotStartIsSkippedWithTheReason()
    {
        string outDir = Path.Combine(_root, "skip");
        string? before = Environment.GetEnvironmentVariable(PeerProcess.PythonVariable);
        Environment.SetEnvironmentVariable(PeerProcess.PythonVariable, Path.Combine(_root, "no-such-python3"));
        try
        {
            var (code, output) = Run("gemm", "--quick", "--peers", "pytorch", "--threads", "1", "--models", "mlp_128x512x512", "--out", outDir);
            Assert.True(code == 0, output);
            Assert.Contains("PyTorch skipped", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PeerProcess.PythonVariable, before);
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var peer = Assert.Single(doc.RootElement.GetProperty("peers").EnumerateArray());
        Assert.Equal("pytorch", peer.GetProperty("name").GetString());
        Assert.False(peer.GetProperty("ran").GetBoolean());
        Assert.Contains("import torch", peer.GetProperty("reason").GetString());
        var w = Assert.Single(doc.RootElement.GetProperty("workloads").EnumerateArray());
        Assert.Equal("SharpKeras", Assert.Single(w.GetProperty("frameworks").EnumerateArray()).GetProperty("framework").GetString());
        Assert.Contains("peer PyTorch | skipped:", File.ReadAllText(Path.Combine(outDir, "results.md")));
    }

    [Fact]
    public void TheHarnessDoesNotReferenceTorchSharp()
    {
        // Peers run as processes; the harness (and so this test build) must never load TorchSharp.
        var names = typeof(BenchApp).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");
        Assert.DoesNotContain(names, n => n.Contains("Torch", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("SharpKeras", names);
    }

    [Fact]
    public void UnknownSuiteListsTheValidOnes()
    {
        var (code, output) = Run("mnist", "--out", Path.Combine(_root, "x"));
        Assert.Equal(2, code);
        Assert.Contains("Unknown suite 'mnist'", output);
        Assert.Contains("seed, keras-examples, keras-benchmarks, gemm", output);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
    }

    [Fact]
    public void UnknownModelListsTheSuitesModels()
    {
        var (code, output) = Run("keras-benchmarks", "--models", "mnist_mlp,resnet50", "--out", Path.Combine(_root, "x"));
        Assert.Equal(2, code);
        Assert.Contains("resnet50", output);
        Assert.Contains("mnist_mlp, cifar10_cnn, lstm, gru", output);
    }

    [Fact]
    public void UnknownPeerAndBadNumbersAreRejected()
    {
        Assert.Equal(2, Run("seed", "--peers", "tensorflow").Code);
        Assert.Equal(2, Run("seed", "--runs", "0").Code);
        Assert.Equal(2, Run("seed", "--threads", "two").Code);
        Assert.Equal(2, Run("keras-benchmarks", "--epochs", "1", "--peers", "none", "--out", Path.Combine(_root, "e")).Code);
    }

    [Fact]
    public void UnwritableOutputFailsBeforeAnyWork()
    {
        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "not a folder");
        var (code, output) = Run("gemm", "--quick", "--peers", "none", "--out", Path.Combine(file, "report"));
        Assert.Equal(3, code);
        Assert.Contains("cannot write the report", output);
        Assert.DoesNotContain("measured peak", output);
    }

    [Fact]
    public void ScalingSuiteRunsEachConfigurationAndTabulatesSpeedUpAndLossCurves()
    {
        string outDir = Path.Combine(_root, "scaling");
        var (code, output) = Run("scaling", "--epochs", "2", "--samples", "2000", "--batch-size", "500", "--out", outDir);
        Assert.True(code == 0, output);
        var lines = File.ReadAllLines(Path.Combine(outDir, "results.md"));
        var oneByOne = Assert.Single(lines, l => l.StartsWith("| 1 process x 1 thread |", StringComparison.Ordinal));
        Assert.Contains("| 1.00x | 100% | - |", oneByOne);
        Assert.Single(lines, l => l.StartsWith("| 1 process x 2 threads |", StringComparison.Ordinal));
        bool mpi = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "mpirun")));
        if (mpi)
        {
            var two = Assert.Single(lines, l => l.StartsWith("| 2 processes x 1 thread |", StringComparison.Ordinal));
            Assert.Matches(@"\| [0-9.]+% \([0-9.]+ ms x 8\) \|", two); // 4 steps of 500 per epoch, 2 epochs: 8 gradient allreduces
            // Same global batches, same start: the loss curves agree to float32 summation order.
            static double[] Losses(string row) => [.. row.Split('|')[^2].Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
            var expected = Losses(oneByOne);
            var actual = Losses(two);
            Assert.Equal(expected.Length, actual.Length);
            for (int e = 0; e < expected.Length; e++)
            {
                Assert.Equal(expected[e], actual[e], 1e-3);
            }
        }
        else
        {
            Assert.Contains("mpirun not found", output);
        }
    }

    [Fact]
    public void TransformerWorkloadBuildsTheKerasIoModelAndCountsItsProducts()
    {
        var w = Catalog.KerasExamples.Single(x => x.Name == "transformer");
        Config.SetRandomSeed(1);
        var model = ModelFactory.Build(w);
        var data = BenchData.Load(w, 4, null, seed: 1);
        Assert.Equal([4, 200], data.X.Shape.ToArray());
        Assert.All(data.X.ToArray(), v => Assert.True(v >= 0 && v < 20000 && v == MathF.Floor(v), $"word id {v}"));
        var y = model.Predict(data.X, verbose: 0);
        Assert.Equal([4, 2], y.Shape.ToArray());
        // Keras's summary of the keras-io model: embeddings 640,000 + 6,400, the block 10,656 (attention 8,416,
        // feed-forward 2,112, two LayerNormalizations 128), Dense(20) 660, Dense(2) 42.
        Assert.Equal(657758, model.CountParams());

        const double b = 32, l = 200, d = 32, h = 2, ff = 32;
        double forward = 3 * 2 * b * l * d * h * d + 2 * 2 * b * h * l * l * d + 2 * b * l * h * d * d
            + 2 * 2 * b * l * d * ff + 2 * b * d * 20 + 2 * b * 20 * 2;
        Assert.Equal(forward, ModelFactory.InferenceFlops(w, 32)!.Value, 6);
        // Every product follows the embeddings' weights, so each also has its input gradient.
        Assert.Equal(3 * forward, ModelFactory.TrainingFlopsPerStep(w, 32)!.Value, 6);
    }
}
