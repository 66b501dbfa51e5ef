using System.Text.Json;
using Spectre.Console;

namespace SharpKeras.Bench.Tests;

/// <summary>--dtype-policy: parsed for the training suites only, and named in the SharpKeras row of the report.</summary>
public sealed class DtypePolicyOptionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharpkeras-bench-dtype-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ParsesForTrainingSuitesAndRefusesTheRest()
    {
        Assert.Equal("float32", BenchOptions.Parse(["seed"]).DtypePolicy);
        Assert.Equal("mixed_bfloat16", BenchOptions.Parse(["keras-examples", "--dtype-policy", "mixed_bfloat16"]).DtypePolicy);
        Assert.Contains("training suites", Assert.Throws<UsageException>(() => BenchOptions.Parse(["gemm", "--dtype-policy", "mixed_bfloat16"])).Message);
        Assert.Contains("loss scaling", Assert.Throws<UsageException>(() => BenchOptions.Parse(["seed", "--dtype-policy", "mixed_float16"])).Message);
        Assert.Contains("--dtype-policy", Assert.Throws<UsageException>(() => BenchOptions.Parse(["seed", "--dtype-policy", "fp8"])).Message);
    }

    [Fact]
    public void SeedSuiteRowSaysItRanUnderMixedBfloat16()
    {
        string outDir = Path.Combine(_root, "seed");
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 400;
        int code = BenchApp.Run(["seed", "--quick", "--peers", "none", "--threads", "1", "--dtype-policy", "mixed_bfloat16", "--out", outDir], console);
        Assert.True(code == 0, writer.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var fw = doc.RootElement.GetProperty("workloads")[0].GetProperty("frameworks")[0];
        Assert.Equal("SharpKeras", fw.GetProperty("framework").GetString());
        Assert.Equal("mixed_bfloat16", fw.GetProperty("dtypePolicy").GetString());
        Assert.Contains("(mixed_bfloat16)", File.ReadAllText(Path.Combine(outDir, "results.md")));
        Assert.Contains("SharpKeras (mixed_bfloat16)", writer.ToString());
    }
}
