using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Training;

namespace SharpKeras.Tests.Training;

[Collection(SharpKeras.Tests.Backend.ThreadCountCollection.Name)]
public class FitTests
{
    /// <summary>A learnable 3-class problem: the class is the index of the largest of the first three features.</summary>
    internal static (Tensor X, Tensor Y) Blobs(int n, int seed)
    {
        var rng = new SeedGenerator(seed);
        var x = new float[n * 6];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                x[i * 6 + j] = rng.NextFloat();
            }
            int best = 0;
            for (int j = 1; j < 3; j++)
            {
                if (x[i * 6 + j] > x[i * 6 + best])
                {
                    best = j;
                }
            }
            y[i] = best;
        }
        return (Tensor.FromArray(x, n, 6), Tensor.FromArray(y));
    }

    private static Sequential Mlp(int? seed = null)
    {
        if (seed is { } s)
        {
            Config.SetRandomSeed(s);
        }
        return new Sequential([new Dense(32, activation: "relu"), new Dropout(0.1), new Dense(3, activation: "softmax")]);
    }

    [Fact]
    public void FitLearnsAndReturnsHistory()
    {
        var (x, y) = Blobs(600, 1);
        var model = Mlp(5);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: new[] { "accuracy" });
        var history = model.Fit(x, y, batchSize: 32, epochs: 25, verbose: 0, validationSplit: 0.2);
        Assert.Equal(25, history["loss"].Count);
        Assert.Equal(new[] { "loss", "accuracy", "val_loss", "val_accuracy" }, history.HistoryData.Keys);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.6, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        Assert.True(history["val_accuracy"][^1] > 0.85, $"val_accuracy {history["val_accuracy"][^1]}");
        var (loss, acc) = model.Evaluate(x, y, verbose: 0);
        Assert.True(acc > 0.85 && loss < 0.5);
        var probs = model.Predict(x, verbose: 0);
        Assert.Equal(new Shape(600, 3), probs.Shape);
        Assert.Equal(1f, probs[0, 0] + probs[0, 1] + probs[0, 2], 4);
    }

    [Fact]
    public void EveryOptimizerAndLossTrains()
    {
        var (x, y) = Blobs(300, 2);
        var oneHot = SharpKeras.Ops.OneHot(y, 3);
        foreach (Func<Optimizer> make in new Func<Optimizer>[] { () => new SGD(0.1, momentum: 0.9, nesterov: true), () => new RMSprop(), () => new Adam(), () => "sgd" })
        {
            foreach (var (loss, target) in new[] { ("categorical_crossentropy", oneHot), ("mse", oneHot), ("sparse_categorical_crossentropy", y) })
            {
                var model = Mlp(3);
                var opt = make();
                model.Compile(opt, loss, ["accuracy"]);
                var h = model.Fit(x, target, 30, 5, verbose: 0);
                Assert.True(h["loss"][^1] < h["loss"][0], $"{opt.Name} {loss}: {h["loss"][0]} -> {h["loss"][^1]}");
            }
        }
        var binary = new Sequential([new Dense(8, activation: "tanh"), new Dense(1, activation: "sigmoid")]);
        var yb = Tensor.FromArray(y.ToArray().Select(v => v == 0 ? 1f : 0f).ToArray(), 300, 1);
        binary.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
        var hb = binary.Fit(x, yb, 30, 10, verbose: 0);
        Assert.True(hb["accuracy"][^1] > 0.8);
    }

    [Fact]
    public void SeededSingleThreadRunsAreBitIdentical()
    {
        int saved = Config.Threads;
        Config.Threads = 1;
        try
        {
            var (x, y) = Blobs(200, 3);
            List<double> Run()
            {
                var model = Mlp(42);
                model.Compile("adam", "sparse_categorical_crossentropy");
                return model.Fit(x, y, 16, 3, verbose: 0, seed: 7)["loss"].ToList();
            }
            Assert.Equal(Run(), Run());
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    [Fact]
    public void ProgressBarPrintsOneLinePerEpochWhenRedirected()
    {
        var (x, y) = Blobs(100, 4);
        var model = Mlp(1);
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var sw = new StringWriter();
        model.Fit(x, y, 25, 2, verbose: 0, callbacks: [new ProgbarLogger(sw, dynamic: false)]);
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        // Keras 3's layout by default: metrics sorted as Keras 3 prints them.
        Assert.Matches(@"^4/4 ━{20} \d+s \d+(ms|us)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$", lines[1]);
        Assert.Equal("Epoch 2/2", lines[2]);
    }

    [Fact]
    public void CallbacksCanStopTraining()
    {
        var (x, y) = Blobs(100, 5);
        var model = Mlp(1);
        model.Compile("adam", "sparse_categorical_crossentropy");
        var h = model.Fit(x, y, 10, 50, verbose: 0, callbacks: [new StopAfter(2)]);
        Assert.Equal(2, h["loss"].Count);
    }

    private sealed class StopAfter(int epochs) : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
        {
            if (epoch + 1 >= epochs)
            {
                Model!.StopTraining = true;
            }
        }
    }

    [Fact]
    public void FrozenLayersAreNotUpdated()
    {
        var (x, y) = Blobs(64, 6);
        var first = new Dense(8, activation: "relu");
        var model = new Sequential([first, new Dense(3, activation: "softmax")]);
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Predict(x, verbose: 0);
        first.Trainable = false;
        var before = first.Kernel!.Value.ToArray();
        model.Fit(x, y, 16, 2, verbose: 0);
        Assert.Equal(before, first.Kernel.Value.ToArray());
        Assert.Equal(2, model.TrainableWeights.Count);
        Assert.Equal(2, model.NonTrainableWeights.Count);
    }

    [Fact]
    public void LayerUnfrozenAfterTrainingStartsGetsOptimizerSlots()
    {
        var (x, y) = Blobs(64, 8);
        var first = new Dense(8, activation: "relu") { Trainable = false };
        var model = new Sequential([first, new Dense(3, activation: "softmax")]);
        var adam = new SharpKeras.Optimizers.Adam();
        model.Compile(adam, "sparse_categorical_crossentropy");
        model.Fit(x, y, 16, 1, verbose: 0);
        Assert.Equal(2 + 2 * (8 * 3 + 3), adam.CountParams());
        first.Trainable = true;
        var before = first.Kernel!.Value.ToArray();
        model.Fit(x, y, 16, 1, verbose: 0);
        Assert.NotEqual(before, first.Kernel.Value.ToArray());
        Assert.Equal(2 + 2 * (6 * 8 + 8 + 8 * 3 + 3), adam.CountParams());
    }

    [Fact]
    public void GetAndSetWeightsRoundTrip()
    {
        var (x, _) = Blobs(8, 7);
        var a = Mlp(1);
        var b = Mlp(2);
        a.Predict(x, verbose: 0);
        b.Predict(x, verbose: 0);
        b.SetWeights(a.GetWeights());
        Assert.Equal(a.Predict(x, verbose: 0).ToArray(), b.Predict(x, verbose: 0).ToArray());
        Assert.Throws<ArgumentException>(() => b.SetWeights([Tensor.Zeros(new Shape(1))]));
    }
}
