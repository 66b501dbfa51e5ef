using SharpKeras.Cli;
using SharpKeras.Models;
using SharpKeras.Saving;
using SharpKeras.Tests.Saving;

namespace SharpKeras.Tests.Cli;

/// <summary>The sharpkeras command: summary, predict and convert on Keras's own files; errors to stderr with non-zero codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [KerasRefsTheory]
    [InlineData("mlp", "keras")]
    [InlineData("mlp", "h5")]
    [InlineData("functional", "keras")]
    [InlineData("functional", "h5")]
    [InlineData("cnn", "keras")]
    [InlineData("cnn", "h5")]
    [InlineData("lstm_gru", "keras")]
    [InlineData("lstm_gru", "h5")]
    [InlineData("simplernn_bilstm", "keras")]
    [InlineData("simplernn_bilstm", "h5")]
    public void PredictMatchesKeras(string name, string ext)
    {
        var inputs = name == "functional" ? new[] { "functional_input_a.npy", "functional_input_b.npy" } : [$"{name}_input.npy"];
        var output = Path.Combine(_dir, "y.npy");
        var args = new List<string> { "predict", KerasRefs.File($"{name}.{ext}") };
        foreach (var i in inputs)
        {
            args.AddRange(["--input", KerasRefs.File(i)]);
        }
        args.AddRange(["--output", output]);
        var (code, _, err) = Run([.. args]);
        Assert.True(code == 0, err);
        KerasRefsFileTests.AssertClose(NumpyFile.Load(KerasRefs.File($"{name}_output.npy")), NumpyFile.Load(output));
    }

    [KerasRefsFact]
    public void SummaryPrintsKerasTable()
    {
        var (code, output, err) = Run("summary", KerasRefs.File("functional.keras"));
        Assert.True(code == 0, err);
        Assert.Contains("concat", output);
        Assert.Contains("Connected to", output);
        Assert.Contains("Total params: 1,140 (4.45 KB)", output);
    }

    [KerasRefsFact]
    public void ConvertsBetweenAllThreeFormats()
    {
        var h5 = Path.Combine(_dir, "m.h5");
        var keras = Path.Combine(_dir, "m.keras");
        var weights = Path.Combine(_dir, "m.weights.h5");
        var back = Path.Combine(_dir, "back.keras");
        Assert.Equal(0, Run("convert", KerasRefs.File("functional.keras"), h5).Code);
        Assert.Equal(0, Run("convert", h5, keras).Code);
        Assert.Equal(0, Run("convert", keras, weights).Code);
        Assert.Equal(0, Run("convert", weights, back, "--architecture", KerasRefs.File("functional.h5")).Code);
        var x = KerasRefsFileTests.Inputs("functional");
        var expected = NumpyFile.Load(KerasRefs.File("functional_output.npy"));
        foreach (var file in new[] { h5, keras, back })
        {
            KerasRefsFileTests.AssertClose(expected, Model.Load(file).PredictOutputs(x, verbose: 0)[0]);
        }
        var noArch = Run("convert", weights, Path.Combine(_dir, "x.keras"));
        Assert.Equal(2, noArch.Code);
        Assert.Contains("--architecture", noArch.Err);
    }

    [KerasRefsFact]
    public void ErrorsGoToStderrWithNonZeroCodes()
    {
        var missing = Run("summary", Path.Combine(_dir, "missing.keras"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("missing.keras", missing.Err);
        Assert.Equal("", missing.Out);
        Assert.Equal(2, Run().Code);
        Assert.Equal(2, Run("frobnicate").Code);
        Assert.Equal(2, Run("predict", KerasRefs.File("mlp.keras"), "--input").Code);
        var wrongCount = Run("predict", KerasRefs.File("functional.keras"), "--input", KerasRefs.File("functional_input_a.npy"), "--output", Path.Combine(_dir, "o.npy"));
        Assert.Equal(1, wrongCount.Code);
        Assert.Contains("2 input(s)", wrongCount.Err);
        Assert.Equal(0, Run("--help").Code);
    }

    [Fact]
    public void VersionHelpAndCompletion()
    {
        var version = Run("--version");
        Assert.Equal(0, version.Code);
        Assert.Equal(CliApp.Version, version.Out.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Out);

        foreach (var command in new[] { "summary", "predict", "convert" })
        {
            var help = Run(command, "--help");
            Assert.True(help.Code == 0, help.Err);
            Assert.Contains($"sharpkeras {command}", help.Out);
        }
        var predictHelp = Run("predict", "--help").Out;
        foreach (var option in new[] { "--input", "--output", "--batch-size" })
        {
            Assert.Contains(option, predictHelp);
        }
        Assert.Contains("--architecture", Run("convert", "--help").Out);
        Assert.Contains(".onnx", Run("convert", "--help").Out);

        // The [suggest] directive dotnet-suggest calls for tab completion.
        var commands = Run("[suggest]", "su");
        Assert.Equal(0, commands.Code);
        Assert.Equal(["summary"], commands.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var options = Run("[suggest:22]", "sharpkeras predict --ba");
        Assert.Contains("--batch-size", options.Out);
    }

    [KerasRefsFact]
    public void BadNumbersAreUsageErrorsNotCrashes()
    {
        var model = KerasRefs.File("mlp.keras");
        var input = KerasRefs.File("mlp_input.npy");
        var output = Path.Combine(_dir, "y.npy");
        foreach (var bad in new[] { "0", "-3", "99999999999", "many" })
        {
            var r = Run("predict", model, "--input", input, "--output", output, "--batch-size", bad);
            Assert.Equal(2, r.Code);
            Assert.Contains("--batch-size", r.Err);
            Assert.DoesNotContain("   at ", r.Err);
        }
    }

    [Fact]
    public void WrappedExceptionsReportTheInnerMessage()
    {
        var inner = new OverflowException("value too large");
        Assert.Same(inner, CliApp.Innermost(new System.Reflection.TargetInvocationException(new AggregateException(inner))));
    }

    [KerasRefsFact]
    public void ConvertExportsOnnx()
    {
        var onnx = Path.Combine(_dir, "m.onnx");
        var r = Run("convert", KerasRefs.File("cnn.keras"), onnx);
        Assert.True(r.Code == 0, r.Err);
        var bytes = File.ReadAllBytes(onnx);
        // An ONNX ModelProto starts with field 1 (ir_version, varint): tag 0x08 then 8.
        Assert.Equal([0x08, 0x08], bytes[..2]);
        Assert.True(bytes.Length > 1450 * 4, $"{bytes.Length} bytes cannot hold cnn's 1450 float weights");
    }
}
