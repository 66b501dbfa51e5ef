using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Tests.Training;
using SharpKeras.Training;

namespace SharpKeras.Tests.Metrics;

/// <summary>The new losses and metrics inside Compile / Fit: identifiers, log names, and the zero-allocation step.</summary>
[Collection("Allocation")]
public class CompiledMetricTests
{
    private static (Tensor X, Tensor Y) Binary(int n, int seed)
    {
        var x = GradCheck.Random(seed, -1, 1, n, 6);
        var xs = x.ToArray();
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = xs[i * 6] + 0.5f * xs[i * 6 + 1] > 0 ? 1 : 0;
        }
        return (x, Tensor.FromArray(y, n, 1));
    }

    [Fact]
    public void TrainingStepWithPrecisionAndAucCompiledAllocatesNothing()
    {
        Config.SetRandomSeed(3);
        var (x, y) = Binary(512, 4);
        var model = new Sequential([new Dense(8, 6, "relu"), new Dense(1, null, "sigmoid")]);
        model.Compile("adam", "binary_crossentropy", ["precision", "auc"]);
        var metrics = new CompiledMetrics(model);
        var logs = new Dictionary<string, double>();
        void Step(int s)
        {
            var plan = TrainStepPlan.For(model, x, y, 64);
            plan.LoadSlice(x, y, s * 64);
            double loss = plan.Run();
            metrics.Update(loss, plan.OutputLosses, plan.Y, plan.Predictions, 64);
            metrics.WriteLogs(logs);
        }
        for (int s = 0; s < 3; s++)
        {
            Step(s);
        }
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 10; s++)
        {
            Step(s % 8);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.True(allocated == 0, $"10 training steps with precision and auc allocated {allocated} bytes");
        Assert.Equal(["loss", "precision", "auc"], logs.Keys);
        Assert.InRange(logs["auc"], 0.0, 1.0);
    }

    public static TheoryData<string> LossIds => ["huber", "mae", "mape", "msle", "log_cosh", "kld", "poisson", "hinge", "squared_hinge", "categorical_hinge",
        "cosine_similarity", "binary_focal_crossentropy", "dice", "tversky", "bce"];

    [Theory]
    [MemberData(nameof(LossIds))]
    public void EveryLossTrainsByIdentifierAndMetricsLogUnderKerasNames(string loss)
    {
        Config.SetRandomSeed(5);
        var (x, y) = Binary(96, 6);
        var model = new Sequential([new Dense(8, 6, "tanh"), new Dense(1, null, "sigmoid")]);
        model.Compile("adam", loss, ["mae", "auc", "precision", "recall", "binary_accuracy", "top_k_categorical_accuracy"]);
        var history = model.Fit(x, y, batchSize: 32, epochs: 2, verbose: 0);
        foreach (var key in new[] { "loss", "mae", "auc", "precision", "recall", "binary_accuracy", "top_k_categorical_accuracy" })
        {
            Assert.True(history.HistoryData.ContainsKey(key), $"{loss}: no '{key}' in the history ({string.Join(", ", history.HistoryData.Keys)})");
            Assert.True(double.IsFinite(history[key][^1]), $"{loss}: {key} is {history[key][^1]}");
        }
        // The logged loss is the compiled loss: evaluating it directly on the trained model gives the same value.
        var direct = SharpKeras.Losses.Loss.Get(loss).Compute(y, model.Predict(x, verbose: 0)).Item();
        Assert.Equal(direct, model.Evaluate(x, y, batchSize: 96, verbose: 0).Loss, 4);
    }

    [Fact]
    public void CompiledMetricObjectsAccumulateLikeStandaloneOnes()
    {
        Config.SetRandomSeed(9);
        var (x, y) = Binary(64, 8);
        var model = new Sequential([new Dense(4, 6, "tanh"), new Dense(1, null, "sigmoid")]);
        var auc = new AUC(numThresholds: 50, name: "auc50");
        model.Compile(new SharpKeras.Optimizers.SGD(0.0), "binary_crossentropy", new Metric[] { auc, new Recall(0.3) });
        var result = model.Evaluate(x, y, batchSize: 16, verbose: 0, returnDict: true);
        var reference = new AUC(numThresholds: 50);
        reference.UpdateState(y, model.Predict(x, verbose: 0));
        Assert.Equal(reference.Result(), result["auc50"], 6);
    }
}
