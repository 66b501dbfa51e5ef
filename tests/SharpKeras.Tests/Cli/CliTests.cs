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
    public void PredictMatchesKeras(string name, string ext)
    {
        var inputs = name == "mlp" ? new[] { "mlp_input.npy" } : ["functional_input_a.npy", "functional_input_b.npy"];
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
}
