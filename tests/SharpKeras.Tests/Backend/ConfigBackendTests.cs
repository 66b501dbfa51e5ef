using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Tests.Training;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// <see cref="Config.Backend"/> switches a whole model between the CPU and reference kernels. It is
/// process-wide, so these tests run alone (in the thread-count collection, which runs by itself).
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ConfigBackendTests
{
    private static List<double> Train(string backend)
    {
        string saved = Config.Backend;
        Config.Backend = backend;
        try
        {
            Assert.Equal(backend, Config.Backend);
            var (x, y) = FitTests.Blobs(120, 5);
            Config.SetRandomSeed(11);
            var model = new Sequential([new Dense(16, activation: "tanh"), new Dropout(0.2), new Dense(3, activation: "softmax")]);
            model.Compile("adam", "sparse_categorical_crossentropy");
            return model.Fit(x, y, 32, 3, verbose: 0, seed: 3)["loss"].ToList();
        }
        finally
        {
            Config.Backend = saved;
        }
    }

    [Fact]
    public void AModelTrainsTheSameOnBothBackends()
    {
        var cpu = Train("cpu");
        var reference = Train("reference");
        Assert.Equal(cpu.Count, reference.Count);
        for (int e = 0; e < cpu.Count; e++)
        {
            Assert.True(Math.Abs(cpu[e] - reference[e]) <= 1e-4 * Math.Abs(cpu[e]), $"epoch {e + 1}: cpu loss {cpu[e]}, reference loss {reference[e]}");
        }
        Assert.True(cpu[^1] < cpu[0], "the model should learn");
    }

    [Fact]
    public void AnUnknownBackendIsRejectedByName()
    {
        string saved = Config.Backend;
        var e = Assert.Throws<ArgumentException>(() => Config.Backend = "tpu");
        Assert.Contains("Config.Backend", e.Message);
        Assert.Contains("'tpu'", e.Message);
        Assert.Contains("cpu, reference", e.Message);
        Assert.Equal(saved, Config.Backend);
    }
}
