using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Saving;

/// <summary>Every error that leaves Load or LoadWeights names the user's file, whatever part of the reader raised it.</summary>
public sealed class LoadErrorPathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-loadpath-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Mlp(int units)
    {
        var m = new Sequential([new InputLayer([4]), new Dense(units), new Dense(2)]);
        return m;
    }

    [Theory]
    [InlineData("w.weights.h5")]
    [InlineData("w.h5")]
    [InlineData("m.keras")]
    public void WeightsOfAnotherArchitectureNameTheFile(string file)
    {
        string path = Path.Combine(_dir, file);
        var source = Mlp(3);
        if (file.EndsWith(".weights.h5", StringComparison.Ordinal))
        {
            source.SaveWeights(path);
        }
        else
        {
            source.Save(path);
        }
        var e = Assert.ThrowsAny<Exception>(() => Mlp(5).LoadWeights(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnHdf5FileWithoutKerasContentNamesTheFile()
    {
        string weights = Path.Combine(_dir, "w.weights.h5");
        Mlp(3).SaveWeights(weights);
        string legacy = Path.Combine(_dir, "not-a-model.h5");
        File.Copy(weights, legacy);
        var e = Assert.ThrowsAny<Exception>(() => Model.Load(legacy));
        Assert.Contains(legacy, e.Message, StringComparison.Ordinal);
    }
}
