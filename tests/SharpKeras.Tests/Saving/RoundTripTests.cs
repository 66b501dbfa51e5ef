using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>Save then load gives the same model: bit-identical predictions, and training resumes where it stopped.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Model TwoInputModel()
    {
        var a = Keras.Input([6]);
        var b = Keras.Input([3]);
        var shared = new Dense(5, activation: "tanh");
        var x = new Concatenate().Apply([shared.Apply(a), new Dense(5, activation: "relu").Apply(b)]);
        var y = new LayerNormalization().Apply(new Dense(4).Apply(x));
        var avg = new Average().Apply([new Dense(4).Apply(y), y]);
        var out1 = new Dense(3, activation: "softmax", name: "probs").Apply(avg);
        var out2 = new Dense(1, name: "value").Apply(new Maximum().Apply([new Dense(4).Apply(a), avg]));
        return new Model([a, b], [out1, out2], "two_in_two_out");
    }

    private static Tensor[] TwoInputData(int n, int seed) =>
        [GradCheck.Random(seed, -1, 1, n, 6), GradCheck.Random(seed + 1, -1, 1, n, 3)];

    [Theory]
    [InlineData("m.keras")]
    [InlineData("m.h5")]
    public void MultiInputMultiOutputModelRoundTripsBitIdentical(string file)
    {
        Config.SetRandomSeed(3);
        var model = TwoInputModel();
        var x = TwoInputData(7, 10);
        var before = model.PredictOutputs(x, verbose: 0);
        var path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(model.Layers.Select(l => (l.Name, l.ClassName)), loaded.Layers.Select(l => (l.Name, l.ClassName)));
        var after = loaded.PredictOutputs(x, verbose: 0);
        Assert.Equal(2, after.Length);
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(before[k].ToArray(), after[k].ToArray());
        }
        string s1 = "", s2 = "";
        model.Summary(t => s1 = t, 100);
        loaded.Summary(t => s2 = t, 100);
        Assert.Equal(s1, s2);
    }

    [Fact]
    public void WeightsFileRoundTripsIntoAFreshModel()
    {
        Config.SetRandomSeed(4);
        var model = TwoInputModel();
        var path = Path.Combine(_dir, "w.weights.h5");
        model.SaveWeights(path);
        Config.SetRandomSeed(5);
        var other = TwoInputModel();
        var x = TwoInputData(4, 20);
        Assert.NotEqual(model.PredictOutputs(x, verbose: 0)[0].ToArray(), other.PredictOutputs(x, verbose: 0)[0].ToArray());
        other.LoadWeights(path);
        Assert.Equal(model.PredictOutputs(x, verbose: 0)[1].ToArray(), other.PredictOutputs(x, verbose: 0)[1].ToArray());
    }

    private static Sequential SmallMlp()
    {
        var m = new Sequential([Keras.Input([4]).Layer, new Dense(8, activation: "relu"), new Dense(3, activation: "softmax")]);
        m.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        return m;
    }

    [Theory]
    [InlineData("c.keras")]
    [InlineData("c.h5")]
    public void CompiledModelResumesTrainingWithIdenticalNextStepLoss(string file)
    {
        Config.SetRandomSeed(6);
        var x = GradCheck.Random(1, -1, 1, 24, 4);
        var y = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => i % 3).ToArray(), 24);
        var model = SmallMlp();
        model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: false);
        var path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.True(loaded.Compiled);
        Assert.Equal(model.Optimizer!.Iterations, loaded.Optimizer!.Iterations);
        var h1 = model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        var h2 = loaded.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        Assert.Equal(h1["loss"], h2["loss"]);
        Assert.Equal(model.GetWeights().SelectMany(w => w.ToArray()), loaded.GetWeights().SelectMany(w => w.ToArray()));
    }

    [Fact]
    public void ConfigRoundTripsThroughJson()
    {
        var model = TwoInputModel();
        model.Compile(new SharpKeras.Optimizers.RMSprop(0.01, momentum: 0.5, centered: true), ["sparse_categorical_crossentropy", "mse"], [1.0, 0.5], ["accuracy"]);
        var config = model.ToConfig();
        var again = Model.FromConfig((JsonObject)JsonNode.Parse(config.ToJsonString())!);
        Assert.Equal(config.ToJsonString(), again.ToConfig().ToJsonString());
        Assert.Equal([1.0, 0.5], again.LossWeights);
        var rms = Assert.IsType<SharpKeras.Optimizers.RMSprop>(again.Optimizer);
        Assert.True(rms.Centered);
        Assert.Equal(0.5, rms.Momentum);
    }
}
