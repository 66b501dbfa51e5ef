using SharpKeras.Callbacks;
using SharpKeras.Distribution;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using KerasDistribution = SharpKeras.Distribution.Distribution;

namespace SharpKeras.Tests.Distribution;

/// <summary>
/// keras.distribution's API, and data-parallel Fit, Evaluate and Predict on an in-memory job of
/// threads (the same code path mpirun's processes take, without mpirun; see the MPI tests for those).
/// </summary>
public sealed class DataParallelTests
{
    private static Sequential Mlp(int seed)
    {
        Config.SetRandomSeed(seed);
        var m = new Sequential([Keras.Input([5]), new Dense(8, activation: "relu"), new Dense(3, activation: "softmax")]);
        m.Compile(optimizer: new SGD(learningRate: 0.1, momentum: 0.9), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return m;
    }

    private static (Tensor X, Tensor Y) Data(int samples)
    {
        var x = Keras.Random.Uniform([samples, 5], -1, 1, seed: 3);
        var xs = x.ToArray();
        var y = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            y[i] = xs[i * 5] > 0.3f ? 2 : xs[i * 5 + 1] > 0 ? 1 : 0;
        }
        return (x, Tensor.FromArray(y, samples));
    }

    /// <summary>Runs <paramref name="body"/> for every rank on a thread of its own and fails with what any of them threw.</summary>
    private static void RunRanks(int ranks, Action<int> body)
    {
        var failures = new Exception?[ranks];
        var threads = Enumerable.Range(0, ranks).Select(r => new Thread(() =>
        {
            try
            {
                body(r);
            }
            catch (Exception e)
            {
                failures[r] = e;
            }
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }
        foreach (var t in threads)
        {
            t.Join();
        }
        Assert.All(failures, f => Assert.True(f is null, f?.ToString()));
    }

    private static float[] Weights(Model m) => [.. m.TrainableWeights.SelectMany(v => v.Value.ToArray())];

    [Fact]
    public void ListDevicesNamesOneCpuPerProcess()
    {
        Assert.Equal(["cpu:0"], KerasDistribution.ListDevices(SingleProcessCommunicator.Instance));
        Assert.Equal(["cpu:0", "cpu:1", "cpu:2"], KerasDistribution.ListDevices(ThreadGroupCommunicator.Create(3)[1], "cpu"));
        var e = Assert.Throws<ArgumentException>(() => KerasDistribution.ListDevices(SingleProcessCommunicator.Instance, "gpu"));
        Assert.Contains("\"gpu\"", e.Message);
    }

    [Fact]
    public void DataParallelBuildsAOneAxisBatchMeshOverTheJob()
    {
        var comms = ThreadGroupCommunicator.Create(2);
        var dp = new DataParallel(communicator: comms[0]);
        Assert.Equal([2], dp.DeviceMesh.Shape);
        Assert.Equal(["batch"], dp.DeviceMesh.AxisNames);
        Assert.Equal(["cpu:0", "cpu:1"], dp.DeviceMesh.Devices);
        Assert.Equal("batch", dp.BatchDimName);
        Assert.Same(comms[0], dp.Communicator);
        var mesh = new DeviceMesh([2], ["data"], ["cpu:0", "cpu:1"]);
        Assert.Equal("data", new DataParallel(deviceMesh: mesh, communicator: comms[1]).BatchDimName);
    }

    [Fact]
    public void BadMeshesAndOptionsAreRefusedWithTheirValues()
    {
        var comms = ThreadGroupCommunicator.Create(2);
        Assert.Contains("holds 4 devices but 2 were given", Assert.Throws<ArgumentException>(() => new DeviceMesh([2, 2], ["a", "b"], ["cpu:0", "cpu:1"])).Message);
        Assert.Contains("one axis name per axis", Assert.Throws<ArgumentException>(() => new DeviceMesh([2], ["a", "b"], ["cpu:0", "cpu:1"])).Message);
        Assert.Contains("mpirun -np 3", Assert.Throws<ArgumentException>(() => new DataParallel(devices: ["cpu:0", "cpu:1", "cpu:2"], communicator: comms[0])).Message);
        Assert.Contains("one-axis device mesh", Assert.Throws<ArgumentException>(() => new DataParallel(deviceMesh: new DeviceMesh([1, 2], ["a", "batch"], ["cpu:0", "cpu:1"]), communicator: comms[0])).Message);
        Assert.Contains("autoShardDataset", Assert.Throws<ArgumentException>(() => new DataParallel(autoShardDataset: false, communicator: comms[0])).Message);
        Assert.Contains("rank 5 of 2", Assert.Throws<ArgumentException>(() => KerasDistribution.Initialize(new BadRank())).Message);
    }

    private sealed class BadRank : ICommunicator
    {
        public int Rank => 5;
        public int Size => 2;
        public void AllReduceSum(Span<float> values) { }
        public void AllReduceSum(Span<double> values) { }
        public void Broadcast(Span<float> values, int root) { }
        public void AllGather(ReadOnlySpan<float> send, Span<float> receive) { }
        public void Barrier() { }
    }

    [Fact]
    public void ScopeSetsTheDistributionForTheCallingThreadUntilDisposed()
    {
        var dp = new DataParallel(communicator: SingleProcessCommunicator.Instance);
        Assert.Null(KerasDistribution.GetDistribution());
        using (dp.Scope())
        {
            Assert.Same(dp, KerasDistribution.GetDistribution());
            var inner = new DataParallel(communicator: SingleProcessCommunicator.Instance);
            using (inner.Scope())
            {
                Assert.Same(inner, KerasDistribution.GetDistribution());
            }
            Assert.Same(dp, KerasDistribution.GetDistribution());
        }
        Assert.Null(KerasDistribution.GetDistribution());
    }

    [Fact]
    public void OneProcessTrainsBitForBitAsWithoutADistribution()
    {
        var (x, y) = Data(40);
        var plain = Mlp(11);
        plain.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, seed: 4);
        var single = Mlp(11);
        using (new DataParallel(communicator: SingleProcessCommunicator.Instance).Scope())
        {
            single.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, seed: 4);
        }
        Assert.Equal(Weights(plain), Weights(single));
    }

    [Theory]
    [InlineData(2, 40, 8)] // equal shards
    [InlineData(2, 40, 7)] // shards of 3 and 4, a last batch of 5 (2 and 3)
    [InlineData(3, 43, 7)] // three ranks; the last batch has 1 sample, so two ranks take an empty shard
    public void RanksTrainAsOneProcessOnTheSameGlobalBatchesAndStayIdentical(int ranks, int samples, int batch)
    {
        var (x, y) = Data(samples);
        var reference = Mlp(11);
        var refSteps = new List<float[]>();
        var refHistory = reference.Fit(x, y, batchSize: batch, epochs: 2, verbose: 0, shuffle: true, seed: 9,
            callbacks: [new LambdaCallback(onTrainBatchEnd: (_, _) => refSteps.Add(Weights(reference)))]);

        // Each rank builds its own model with other initial weights: the start broadcasts rank 0's.
        var models = Enumerable.Range(0, ranks).Select(r => Mlp(r == 0 ? 11 : 100 + r)).ToArray();
        var comms = ThreadGroupCommunicator.Create(ranks);
        var steps = models.Select(_ => new List<float[]>()).ToArray();
        var histories = new History[ranks];
        RunRanks(ranks, r =>
        {
            using (new DataParallel(communicator: comms[r]).Scope())
            {
                histories[r] = models[r].Fit(x, y, batchSize: batch, epochs: 2, verbose: 0, shuffle: true, seed: 9,
                    callbacks: [new LambdaCallback(onTrainBatchEnd: (_, _) => steps[r].Add(Weights(models[r])))]);
            }
        });

        Assert.Equal(refSteps.Count, steps[0].Count);
        for (int s = 0; s < refSteps.Count; s++)
        {
            for (int r = 1; r < ranks; r++)
            {
                Assert.Equal(steps[0][s], steps[r][s]);
            }
            for (int i = 0; i < refSteps[s].Length; i++)
            {
                Assert.True(Math.Abs(steps[0][s][i] - refSteps[s][i]) <= 1e-5 * Math.Max(1, Math.Abs(refSteps[s][i])),
                    $"Weight {i} after step {s + 1}: {steps[0][s][i]} on {ranks} ranks, {refSteps[s][i]} on one process.");
            }
        }
        // Rank 0 keeps History (global values); the others return an empty one.
        Assert.Equal(refHistory.HistoryData["loss"].Count, histories[0].HistoryData["loss"].Count);
        for (int e = 0; e < refHistory.HistoryData["loss"].Count; e++)
        {
            Assert.Equal(refHistory.HistoryData["loss"][e], histories[0].HistoryData["loss"][e], 1e-5);
            Assert.Equal(refHistory.HistoryData["accuracy"][e], histories[0].HistoryData["accuracy"][e], 1e-9);
        }
        Assert.Empty(histories[1].HistoryData);
    }

    [Fact]
    public void TrainOnBatchSplitsTheBatchAndReportsGlobalMetrics()
    {
        var (x, y) = Data(24);
        var reference = Mlp(11);
        var expected = new[] { reference.TrainOnBatch(x.Slice(0, 12), y.Slice(0, 12)), reference.TrainOnBatch(x.Slice(12, 12), y.Slice(12, 12)) };
        var models = new[] { Mlp(11), Mlp(12) };
        var comms = ThreadGroupCommunicator.Create(2);
        var results = new EvaluationResult[2][];
        RunRanks(2, r =>
        {
            using (new DataParallel(communicator: comms[r]).Scope())
            {
                results[r] = [models[r].TrainOnBatch(x.Slice(0, 12), y.Slice(0, 12)), models[r].TrainOnBatch(x.Slice(12, 12), y.Slice(12, 12))];
            }
        });
        Assert.Equal(Weights(models[0]), Weights(models[1]));
        var w = Weights(reference);
        var w0 = Weights(models[0]);
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(w[i], w0[i], 1e-5f);
        }
        for (int r = 0; r < 2; r++)
        {
            for (int b = 0; b < 2; b++)
            {
                Assert.Equal(expected[b][0], results[r][b][0], 1e-5);
                Assert.Equal(expected[b][1], results[r][b][1], 1e-9);
            }
        }
    }

    [Fact]
    public void EvaluateAndPredictShardAndGatherToTheSingleProcessResult()
    {
        var (x, y) = Data(37);
        var model = Mlp(11);
        model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
        var expectedScore = model.Evaluate(x, y, batchSize: 8, verbose: 0);
        var expected = model.Predict(x, batchSize: 8, verbose: 0).ToArray();
        var comms = ThreadGroupCommunicator.Create(2);
        var scores = new EvaluationResult[2];
        var predictions = new float[2][];
        RunRanks(2, r =>
        {
            using (new DataParallel(communicator: comms[r]).Scope())
            {
                scores[r] = model.Evaluate(x, y, batchSize: 8, verbose: 0);
                predictions[r] = model.Predict(x, batchSize: 8, verbose: 0).ToArray();
            }
        });
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal(expectedScore[0], scores[r][0], 1e-5);
            Assert.Equal(expectedScore[1], scores[r][1], 1e-9);
            Assert.Equal(expected.Length, predictions[r].Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], predictions[r][i], 1e-6f);
            }
        }
    }

    [Fact]
    public void AGlobalBatchSmallerThanTheJobIsRefused()
    {
        var (x, y) = Data(10);
        var model = Mlp(1);
        var comms = ThreadGroupCommunicator.Create(3);
        using (new DataParallel(communicator: comms[0]).Scope())
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, y, batchSize: 2, verbose: 0));
            Assert.Contains("at least 3, got 2", e.Message);
        }
    }
}
