using System.Text.Json;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Training;

/// <summary>
/// Same data and same initial weights give the same loss curve as Keras: the MLP trained from
/// mlp_initial.weights.h5 on Fashion-MNIST (no shuffling) against mlp_training_curve.json.
/// </summary>
public class KerasParityTests
{
    private static Sequential InitialMlp()
    {
        var model = new Sequential();
        model.Add(new Flatten());
        model.Add(new Dense(128, activation: "relu"));
        model.Add(new Dense(10, activation: "softmax"));
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: new[] { "accuracy" });
        model.EnsureBuilt(new Shape(1, 28, 28));
        model.SetWeights([
            KerasRefs.ReadWeight("mlp_initial.weights.h5", "layers/dense/vars/0"),
            KerasRefs.ReadWeight("mlp_initial.weights.h5", "layers/dense/vars/1"),
            KerasRefs.ReadWeight("mlp_initial.weights.h5", "layers/dense_1/vars/0"),
            KerasRefs.ReadWeight("mlp_initial.weights.h5", "layers/dense_1/vars/1"),
        ]);
        return model;
    }

    private sealed class BatchLogger : SharpKeras.Callbacks.Callback
    {
        public List<(double Loss, double Accuracy)> FirstEpoch { get; } = [];

        private int _epoch;

        public override void OnEpochBegin(int epoch) => _epoch = epoch;

        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
        {
            if (_epoch == 0)
            {
                FirstEpoch.Add((logs["loss"], logs["accuracy"]));
            }
        }
    }

    // At batch 10000 (18 steps) the whole run agrees with Keras to float32 rounding, final weights included.
    [KerasRefsFact(needsFashionMnist: true)]
    public void Batch10000CurveMatchesKeras() => CheckCurve("10000", weightTolerance: 1e-5, testLossTolerance: 2e-4, testAccuracyTolerance: 1e-3);

    // At batch 128 (1407 steps) the epoch curve still agrees to 2e-4, but one-ulp differences grow
    // through Adam (rewriting m += (g - m)(1 - b1) as m b1 + g (1 - b1) alone moves epoch 2 by 2e-3),
    // so the final weights and the test loss are compared loosely.
    [KerasRefsFact(needsFashionMnist: true)]
    public void Batch128CurveMatchesKeras() => CheckCurve("128", weightTolerance: 0.1, testLossTolerance: 1e-2, testAccuracyTolerance: 5e-3);

    private static void CheckCurve(string key, double weightTolerance, double testLossTolerance, double testAccuracyTolerance)
    {
        using var json = JsonDocument.Parse(System.IO.File.ReadAllText(KerasRefs.File("mlp_training_curve.json")));
        var curve = json.RootElement.GetProperty("curves").GetProperty(key);
        int batchSize = curve.GetProperty("batch_size").GetInt32();
        int epochs = curve.GetProperty("epochs").GetInt32();
        double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

        var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData(download: false);
        xTrain = xTrain / 255.0;
        xTest = xTest / 255.0;
        var model = InitialMlp();
        var batches = new BatchLogger();
        var history = model.Fit(xTrain, yTrain, batchSize, epochs, verbose: 0, shuffle: false, callbacks: [batches]);

        var kerasLoss = Doubles(curve.GetProperty("history").GetProperty("loss"));
        var kerasAcc = Doubles(curve.GetProperty("history").GetProperty("accuracy"));
        for (int e = 0; e < epochs; e++)
        {
            // Keras's README: an independent float64 re-run matches to 2e-5; Adam amplifies float32 rounding.
            Assert.True(Math.Abs(history["loss"][e] - kerasLoss[e]) <= 2e-4 * kerasLoss[e],
                $"epoch {e + 1} loss {history["loss"][e]:F6}, Keras {kerasLoss[e]:F6}");
            Assert.True(Math.Abs(history["accuracy"][e] - kerasAcc[e]) <= 5e-4,
                $"epoch {e + 1} accuracy {history["accuracy"][e]:F6}, Keras {kerasAcc[e]:F6}");
        }
        var kerasBatches = curve.GetProperty("first_epoch_batch_logs_running_mean").EnumerateArray().ToArray();
        Assert.Equal(kerasBatches.Length, batches.FirstEpoch.Count);
        for (int b = 0; b < kerasBatches.Length; b++)
        {
            double kl = kerasBatches[b].GetProperty("loss").GetDouble();
            Assert.True(Math.Abs(batches.FirstEpoch[b].Loss - kl) <= 2e-4 * kl, $"batch {b + 1} running loss {batches.FirstEpoch[b].Loss:F6}, Keras {kl:F6}");
        }
        var finalWeights = curve.GetProperty("final_weights").GetString()!;
        string[] paths = ["layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1"];
        double maxDiff = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            var expected = KerasRefs.ReadWeight(finalWeights, paths[i]).ToArray();
            var actual = model.Weights[i].Value.ToArray();
            for (int j = 0; j < expected.Length; j++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(expected[j] - actual[j]));
            }
        }
        Assert.True(maxDiff <= weightTolerance, $"batch {batchSize}: final weights differ from Keras's by up to {maxDiff:E3}");
        var after = curve.GetProperty("test_evaluate_after");
        var (loss, acc) = model.Evaluate(xTest, yTest, verbose: 0);
        Assert.True(Math.Abs(loss - after.GetProperty("loss").GetDouble()) <= testLossTolerance * loss, $"test loss {loss:F6}, Keras {after.GetProperty("loss").GetDouble():F6}");
        Assert.True(Math.Abs(acc - after.GetProperty("accuracy").GetDouble()) <= testAccuracyTolerance, $"test accuracy {acc:F6}");
    }
}
