using SharpKeras.Models;
using SharpKeras.Training;
using static SharpKeras.Tests.Training.CustomStepModels;

namespace SharpKeras.Tests.Training;

/// <summary>A custom TrainStep written with ops is recorded once per batch shape and replayed, with the eager step's results.</summary>
public class CustomStepReplayTests
{
    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: eager {expected[i]}, replayed {actual[i]}");
        }
    }

    private static void AssertSameTraining(Model eager, Model replayed, BatchLogs eagerLogs, BatchLogs replayedLogs)
    {
        Assert.Equal(eagerLogs.Logs.Count, replayedLogs.Logs.Count);
        for (int s = 0; s < eagerLogs.Logs.Count; s++)
        {
            Assert.Equal(eagerLogs.Logs[s].Keys, replayedLogs.Logs[s].Keys);
            foreach (var (key, value) in eagerLogs.Logs[s])
            {
                Assert.True(Math.Abs(value - replayedLogs.Logs[s][key]) <= 1e-6 * Math.Max(1, Math.Abs(value)),
                    $"step {s} log '{key}': eager {value}, replayed {replayedLogs.Logs[s][key]}");
            }
        }
        Assert.Equal(eager.Weights.Count, replayed.Weights.Count);
        for (int i = 0; i < eager.Weights.Count; i++)
        {
            AssertClose(eager.Weights[i].Value.ToArray(), replayed.Weights[i].Value.ToArray(), 1e-6, eager.Weights[i].Name);
        }
    }

    [Fact]
    public void VaeStepReplayedGivesTheEagerLossesMetricsAndWeights()
    {
        var x = Uniform(60, 16, 11);
        var eager = BuildVae(5, runEagerly: true);
        var replayed = BuildVae(5, runEagerly: false);
        Assert.True(eager.RunEagerly);
        Assert.False(replayed.RunEagerly);
        var eagerLogs = new BatchLogs();
        var replayedLogs = new BatchLogs();
        // The same global stream for both: Sampling draws its noise from it on every step, replayed or not.
        Config.SetRandomSeed(21);
        var eagerHistory = eager.Fit(x, batchSize: 16, epochs: 3, verbose: 0, seed: 4, callbacks: [eagerLogs]);
        Config.SetRandomSeed(21);
        var replayedHistory = replayed.Fit(x, batchSize: 16, epochs: 3, verbose: 0, seed: 4, callbacks: [replayedLogs]);

        // 60 samples in batches of 16: one recording for 16 and one for the last 12, every other step replayed.
        Assert.Null(replayed.EagerTrainStepReason);
        Assert.Equal(2, replayed.CustomPlans.Count);
        Assert.Empty(eager.CustomPlans);
        Assert.Equal(12, replayedLogs.Logs.Count);
        AssertSameTraining(eager, replayed, eagerLogs, replayedLogs);
        foreach (var key in new[] { "loss", "reconstruction_loss", "kl_loss" })
        {
            Assert.Equal(eagerHistory[key].Count, replayedHistory[key].Count);
            for (int e = 0; e < eagerHistory[key].Count; e++)
            {
                Assert.True(Math.Abs(eagerHistory[key][e] - replayedHistory[key][e]) <= 1e-6 * Math.Max(1, Math.Abs(eagerHistory[key][e])), $"{key} epoch {e}");
            }
        }
        Assert.True(replayedHistory["loss"][^1] < replayedHistory["loss"][0], $"loss {replayedHistory["loss"][0]} -> {replayedHistory["loss"][^1]}");
        // The trackers hold the same running state as after the eager epochs (the logs are read from them).
        Assert.Equal(eager.Metrics.Select(m => m.Result()), replayed.Metrics.Select(m => m.Result()), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void VaeStepReplaysThroughTrainOnBatchAndRecompileForcesEager()
    {
        var x = Uniform(16, 16, 12);
        var eager = BuildVae(6, runEagerly: true);
        var replayed = BuildVae(6, runEagerly: false);
        Config.SetRandomSeed(22);
        var eagerLoss = Enumerable.Range(0, 3).Select(_ => eager.TrainOnBatch(x, x, returnDict: true)["loss"]).ToArray();
        Config.SetRandomSeed(22);
        var replayedLoss = Enumerable.Range(0, 3).Select(_ => replayed.TrainOnBatch(x, x, returnDict: true)["loss"]).ToArray();
        Assert.Single(replayed.CustomPlans);
        Assert.Equal(eagerLoss, replayedLoss, new ToleranceComparer(1e-6));
        replayed.Compile(new SharpKeras.Optimizers.Adam(0.01), runEagerly: true);
        Assert.Empty(replayed.CustomPlans);
        replayed.TrainOnBatch(x, x);
        Assert.Empty(replayed.CustomPlans);
    }

    [Fact]
    public void StepThatBranchesOnAHostReadFallsBackToEagerAndTrainsAsEager()
    {
        // Targets average about 0.25 in the first half of the samples and about 0.75 in the second: the branch differs per batch.
        var x = Uniform(64, 8, 13);
        var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => i < 32 ? 0.25f : 0.75f).ToArray(), 64, 1);
        var eager = BuildRegressor("branching", 7, runEagerly: true);
        var replayed = BuildRegressor("branching", 7, runEagerly: false);
        var eagerLogs = new BatchLogs();
        var replayedLogs = new BatchLogs();
        eager.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false, callbacks: [eagerLogs]);
        replayed.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false, callbacks: [replayedLogs]);

        Assert.NotNull(replayed.EagerTrainStepReason);
        Assert.Contains("on the host", replayed.EagerTrainStepReason);
        Assert.Empty(replayed.CustomPlans);
        AssertSameTraining(eager, replayed, eagerLogs, replayedLogs);
    }

    [Fact]
    public void MetricUpdatedWithTargetsAndPredictionsFallsBackAndMatchesEager()
    {
        var x = Uniform(48, 8, 14);
        var y = Uniform(48, 1, 15);
        var eager = BuildRegressor("mae", 8, runEagerly: true);
        var replayed = BuildRegressor("mae", 8, runEagerly: false);
        var eagerLogs = new BatchLogs();
        var replayedLogs = new BatchLogs();
        eager.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, seed: 3, callbacks: [eagerLogs]);
        replayed.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, seed: 3, callbacks: [replayedLogs]);

        Assert.Contains("'mae'", replayed.EagerTrainStepReason);
        AssertSameTraining(eager, replayed, eagerLogs, replayedLogs);
        Assert.Equal(eager.Metrics[1].Result(), replayed.Metrics[1].Result(), 6);
    }

    [Fact]
    public void ViewsOfTheBatchTakenInTheStepSeeEveryNewBatch()
    {
        var x = Uniform(64, 8, 19);
        var y = Uniform(64, 1, 20);
        var eager = BuildRegressor("slicing", 12, runEagerly: true);
        var replayed = BuildRegressor("slicing", 12, runEagerly: false);
        var eagerLogs = new BatchLogs();
        var replayedLogs = new BatchLogs();
        eager.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false, callbacks: [eagerLogs]);
        replayed.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false, callbacks: [replayedLogs]);

        Assert.Null(replayed.EagerTrainStepReason);
        Assert.Single(replayed.CustomPlans);
        AssertSameTraining(eager, replayed, eagerLogs, replayedLogs);
    }

    [Fact]
    public void BuiltInStepIsNotRecordedAsACustomOne()
    {
        Config.SetRandomSeed(9);
        var model = new Sequential([new SharpKeras.Layers.Dense(4, 8, "relu"), new SharpKeras.Layers.Dense(1)]);
        model.Compile("sgd", "mse");
        model.Fit(Uniform(32, 8, 16), Uniform(32, 1, 17), batchSize: 16, verbose: 0);
        Assert.True(model.UsesBuiltInTrainStep);
        Assert.Empty(model.CustomPlans);
        Assert.Single(model.TrainPlans);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a));

        public int GetHashCode(double value) => 0;
    }
}
