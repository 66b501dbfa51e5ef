using SharpKeras.Cli;
using SharpKeras.Saving;
using SharpKeras.Tests.Models;
using SharpKeras.Tests.Saving;

namespace SharpKeras.Tests.Cli;

/// <summary>`sharpkeras predict` and `summary` on keras-refs2's attention models give Keras's outputs and table.</summary>
public sealed class AttentionCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-cli-att-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Ref(string name) => Path.Combine(KerasOptimizerFileTests.s_dir!, name);

    [Refs2Theory]
    [InlineData("attention", "keras")]
    [InlineData("attention", "h5")]
    [InlineData("attention_masked", "keras")]
    public void PredictAndSummaryMatchKeras(string name, string ext)
    {
        var output = Path.Combine(_dir, "y.npy");
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(["predict", Ref($"{name}.{ext}"), "--input", Ref($"{name}_input.npy"), "--output", output], o, e);
        Assert.True(code == 0, e.ToString());
        var expected = NumpyFile.Load(Ref($"{name}_output.npy")).ToArray();
        var actual = NumpyFile.Load(output).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(Math.Abs(expected[i]), 1e-2), $"element {i}: Keras {expected[i]}, sharpkeras predict {actual[i]}");
        }
        var summary = new StringWriter();
        Assert.Equal(0, CliApp.Run(["summary", Ref($"{name}.{ext}")], summary, e));
        Assert.Contains("enc_mha", summary.ToString(), StringComparison.Ordinal);
        Assert.Contains("1,088", summary.ToString(), StringComparison.Ordinal);
    }
}
