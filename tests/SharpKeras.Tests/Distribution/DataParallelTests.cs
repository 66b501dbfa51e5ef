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

    /// <summary>A model with a weight constraint and an L2 weight penalty: both must act on every rank as on one process.</summary>
    private static Sequential ConstrainedMlp(int seed)
    {
        Config.SetRandomSeed(seed);
        var m = new Sequential(
        [
            Keras.Input([5]),
            new Dense(8, activation: "relu", kernelRegularizer: new SharpKeras.Regularizers.L2(0.05), kernelConstraint: new SharpKeras.Constraints.MaxNorm(0.6)),
            new Dense(3, activation: "softmax", biasRegularizer: new SharpKeras.Regularizers.L2(0.02)),
        ]);
        m.Compile(optimizer: new Adam(learningRate: 0.05), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return m;
    }

    /// <summary>The optimizer's state as it is saved: iterations, learning rate, then every slot.</summary>
    private static float[] OptimizerState(Model m) =>
        [m.Optimizer!.Iterations, (float)m.Optimizer.LearningRate, .. m.Optimizer.SaveableVariables().Skip(m.Optimizer.UnbuiltVariableCount).SelectMany(t => t.ToArray())];

    [Theory]
    [InlineData(2, 40, 7)]
    [InlineData(3, 43, 7)] // a rank with an empty shard adds no samples but must still apply the penalty's share and the constraint
    public void AConstraintAndAnL2PenaltyTrainAsOnOneProcessAndKeepTheOptimizerSlotsIdentical(int ranks, int samples, int batch)
    {
        var (x, y) = Data(samples);
        var reference = ConstrainedMlp(21);
        var refSteps = new List<float[]>();
        var refHistory = reference.Fit(x, y, batchSize: batch, epochs: 2, verbose: 0, shuffle: true, seed: 4,
            callbacks: [new LambdaCallback(onTrainBatchEnd: (_, _) => refSteps.Add(Weights(reference)))]);

        var models = Enumerable.Range(0, ranks).Select(r => ConstrainedMlp(r == 0 ? 21 : 200 + r)).ToArray();
        var comms = ThreadGroupCommunicator.Create(ranks);
        var steps = models.Select(_ => new List<float[]>()).ToArray();
        var histories = new History[ranks];
        RunRanks(ranks, r =>
        {
            using (new DataParallel(communicator: comms[r]).Scope())
            {
                histories[r] = models[r].Fit(x, y, batchSize: batch, epochs: 2, verbose: 0, shuffle: true, seed: 4,
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
        // The constraint held on every rank (MaxNorm 0.6 over each unit's incoming weights).
        var kernel = models[ranks - 1].Layers[0].TrainableWeights[0].Value.ToArray();
        for (int unit = 0; unit < 8; unit++)
        {
            double norm = Math.Sqrt(Enumerable.Range(0, 5).Sum(i => (double)kernel[i * 8 + unit] * kernel[i * 8 + unit]));
            Assert.True(norm <= 0.6 + 1e-5, $"Unit {unit}'s kernel norm is {norm} > 0.6 on rank {ranks - 1}.");
        }
        // Adam's moments and iteration count are bit-identical across ranks and match one process's.
        var refState = OptimizerState(reference);
        for (int r = 0; r < ranks; r++)
        {
            var state = OptimizerState(models[r]);
            Assert.Equal(OptimizerState(models[0]), state);
            Assert.Equal(refState.Length, state.Length);
            for (int i = 0; i < refState.Length; i++)
            {
                Assert.True(Math.Abs(state[i] - refState[i]) <= 1e-5 * Math.Max(1, Math.Abs(refState[i])),
                    $"Optimizer variable {i}: {state[i]} on rank {r}, {refState[i]} on one process.");
            }
        }
        // The logged loss includes the penalties, globally.
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(refHistory.HistoryData["loss"][e], histories[0].HistoryData["loss"][e], 1e-5);
        }
    }

    [Fact]
    public void BackupAndRestoreRestoresEveryRankFromRankZerosBackupAndOnlyRankZeroWrites()
    {
        var (x, y) = Data(40);
        var root = Directory.CreateTempSubdirectory("sk-dp-backup-");
        try
        {
            string chiefDir = Path.Combine(root.FullName, "chief"), otherDir = Path.Combine(root.FullName, "other"), refDir = Path.Combine(root.FullName, "reference");
            // An "interrupted" run: two epochs backed up, as if the job had died in the third.
            var first = Mlp(11);
            first.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: true, seed: 9, callbacks: [new BackupAndRestore(chiefDir, deleteCheckpoint: false)]);
            var backedUpWeights = Weights(first);
            var backedUpState = OptimizerState(first);
            Directory.CreateDirectory(refDir);
            foreach (var f in Directory.GetFiles(chiefDir))
            {
                File.Copy(f, Path.Combine(refDir, Path.GetFileName(f)));
            }

            // One process resuming from the same backup: the result the ranks must reproduce.
            var reference = Mlp(11);
            var refEpochs = new List<int>();
            reference.Fit(x, y, batchSize: 8, epochs: 4, verbose: 0, shuffle: true, seed: 9,
                callbacks: [new BackupAndRestore(refDir), new LambdaCallback(onEpochBegin: refEpochs.Add)]);
            Assert.Equal([2, 3], refEpochs);

            // Rank 1 has other initial weights, a fresh optimizer and a folder with no backup (another host).
            var models = new[] { Mlp(11), Mlp(12) };
            var comms = ThreadGroupCommunicator.Create(2);
            var epochs = new[] { new List<int>(), new List<int>() };
            var startWeights = new float[2][];
            var startState = new float[2][];
            RunRanks(2, r =>
            {
                using (new DataParallel(communicator: comms[r]).Scope())
                {
                    var backup = new BackupAndRestore(r == 0 ? chiefDir : otherDir, deleteCheckpoint: false);
                    var record = new LambdaCallback(onEpochBegin: e =>
                    {
                        if (epochs[r].Count == 0)
                        {
                            startWeights[r] = Weights(models[r]);
                            startState[r] = OptimizerState(models[r]);
                        }
                        epochs[r].Add(e);
                    });
                    models[r].Fit(x, y, batchSize: 8, epochs: 4, verbose: 0, shuffle: true, seed: 9, callbacks: [backup, record]);
                }
            });

            Assert.Equal([2, 3], epochs[0]);
            Assert.Equal([2, 3], epochs[1]);
            for (int r = 0; r < 2; r++)
            {
                Assert.Equal(backedUpWeights, startWeights[r]);
                Assert.Equal(backedUpState, startState[r]);
            }
            Assert.Equal(Weights(models[0]), Weights(models[1]));
            Assert.Equal(OptimizerState(models[0]), OptimizerState(models[1]));
            var expected = Weights(reference);
            var got = Weights(models[1]);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"Weight {i}: {got[i]} on 2 ranks, {expected[i]} on one process.");
            }
            Assert.False(Directory.Exists(otherDir), "Rank 1 wrote a backup; rank 0 alone must write.");
            // Rank 0 kept backing up: its folder now holds the end of epoch 4.
            Assert.Contains("\"epoch\":4", File.ReadAllText(Path.Combine(chiefDir, "training_metadata.json")), StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void ABackupRank0CannotReadStopsEveryRankWithAClearError()
    {
        var (x, y) = Data(16);
        var root = Directory.CreateTempSubdirectory("sk-dp-backup-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "training_metadata.json"), "not json");
            var models = new[] { Mlp(11), Mlp(12) };
            var comms = ThreadGroupCommunicator.Create(2);
            var errors = new Exception?[2];
            RunRanks(2, r =>
            {
                using (new DataParallel(communicator: comms[r]).Scope())
                {
                    errors[r] = Record.Exception(() => models[r].Fit(x, y, batchSize: 8, epochs: 1, verbose: 0,
                        callbacks: [new BackupAndRestore(r == 0 ? root.FullName : Path.Combine(root.FullName, "none"))]));
                }
            });
            Assert.IsType<FormatException>(errors[0]);
            Assert.Contains("is not a training metadata file", errors[0]!.Message);
            var other = Assert.IsType<DistributionException>(errors[1]);
            Assert.Contains("Rank 1 of 2: rank 0 could not restore the BackupAndRestore backup", other.Message);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private sealed class ListDataset(Tensor x, Tensor y, int batch) : SharpKeras.Data.PyDataset
    {
        public override int Length => (x.Shape[0] + batch - 1) / batch;

        public override SharpKeras.Data.Batch this[int index]
        {
            get
            {
                int start = index * batch, count = Math.Min(batch, x.Shape[0] - start);
                return new SharpKeras.Data.Batch(x.Slice(start, count), y.Slice(start, count));
            }
        }
    }

    [Fact]
    public void SourcesAreRefusedUnderDataParallelWithAClearError()
    {
        var (x, y) = Data(16);
        var model = Mlp(1);
        var comms = ThreadGroupCommunicator.Create(2);
        var batches = new[] { (x.Slice(0, 8), y.Slice(0, 8)), (x.Slice(8, 8), y.Slice(8, 8)) };
        using (new DataParallel(communicator: comms[0]).Scope())
        {
            var fit = Assert.Throws<NotSupportedException>(() => model.Fit(new ListDataset(x, y, 8), verbose: 0));
            Assert.Contains($"Model '{model.Name}': Fit over", fit.Message);
            Assert.Contains("is not supported under DataParallel (2 processes)", fit.Message);
            Assert.Contains("Fit(x, y, batchSize: ...)", fit.Message);
            var evaluate = Assert.Throws<NotSupportedException>(() => model.Evaluate(new ListDataset(x, y, 8), verbose: 0));
            Assert.Contains("Evaluate over", evaluate.Message);
            var predict = Assert.Throws<NotSupportedException>(() => model.Predict(new ListDataset(x, y, 8), verbose: 0));
            Assert.Contains("Predict over", predict.Message);
            Assert.Throws<NotSupportedException>(() => model.Fit(batches, verbose: 0));
        }
        // A job of one process is single-process training: sources work as without a distribution.
        using (new DataParallel(communicator: SingleProcessCommunicator.Instance).Scope())
        {
            var history = model.Fit(new ListDataset(x, y, 8), verbose: 0);
            Assert.Single(history.HistoryData["loss"]);
        }
    }
}
