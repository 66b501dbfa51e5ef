using System.Runtime.InteropServices;
using SharpKeras.Callbacks;
using SharpKeras.Data;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Training;

/// <summary>Fit, Evaluate and Predict over batch sources: PyDataset (with and without workers), enumerables, async enumerables, cancellation.</summary>
[Collection(SharpKeras.Tests.Backend.ThreadCountCollection.Name)]
public sealed class BatchSourceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sharpkeras-sources-" + Guid.NewGuid().ToString("N"));

    public BatchSourceTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Slices of in-memory arrays as batches, counting what was asked of it.</summary>
    private sealed class SliceDataset(Tensor x, Tensor? y, int batchSize, int workers = 1, int maxQueueSize = 10, int failAt = -1)
        : PyDataset(workers, maxQueueSize: maxQueueSize)
    {
        public int EpochEnds;
        public int EpochBegins;
        public int Requests;

        public override int Length => (x.Shape[0] + batchSize - 1) / batchSize;

        public override Batch this[int index]
        {
            get
            {
                Interlocked.Increment(ref Requests);
                if (index == failAt)
                {
                    throw new IOException($"disk error at batch {index}");
                }
                int start = index * batchSize, count = Math.Min(batchSize, x.Shape[0] - start);
                return y is null ? x.Slice(start, count) : (x.Slice(start, count), y.Slice(start, count));
            }
        }

        public override void OnEpochBegin() => EpochBegins++;

        public override void OnEpochEnd() => EpochEnds++;
    }

    private static Sequential Model(int seed)
    {
        Config.SetRandomSeed(seed);
        var m = new Sequential([Keras.Input([6]), new Dense(16, activation: "relu"), new Dense(3, activation: "softmax")]);
        m.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return m;
    }

    private static void AssertSameWeights(Model a, Model b)
    {
        var wa = a.GetWeights();
        var wb = b.GetWeights();
        Assert.Equal(wa.Count, wb.Count);
        for (int i = 0; i < wa.Count; i++)
        {
            Assert.Equal(wa[i].ToArray(), wb[i].ToArray());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void PyDatasetFitTrainsExactlyAsTheInMemoryFit(int workers)
    {
        var (x, y) = FitTests.Blobs(200, 3);
        var reference = Model(11);
        var refHistory = reference.Fit(x, y, batchSize: 32, epochs: 3, verbose: 0, shuffle: false);
        var model = Model(11);
        var ds = new SliceDataset(x, y, 32, workers, maxQueueSize: 2);
        var history = model.Fit(ds, epochs: 3, verbose: 0, shuffle: false);
        AssertSameWeights(reference, model);
        Assert.Equal(refHistory["loss"], history["loss"]);
        Assert.Equal(3, ds.EpochEnds);
        Assert.Equal(3, ds.EpochBegins);
        Assert.Equal(3 * 7, ds.Requests);
    }

    [Fact]
    public void EnumerableAndAsyncEnumerableFitTrainAsTheInMemoryFit()
    {
        var (x, y) = FitTests.Blobs(100, 4);
        IEnumerable<(Tensor, Tensor)> Batches()
        {
            for (int s = 0; s < 100; s += 25)
            {
                yield return (x.Slice(s, 25), y.Slice(s, 25));
            }
        }
        async IAsyncEnumerable<Batch> AsyncBatches()
        {
            for (int s = 0; s < 100; s += 25)
            {
                await Task.Yield();
                yield return (x.Slice(s, 25), y.Slice(s, 25));
            }
        }
        var reference = Model(12);
        reference.Fit(x, y, batchSize: 25, epochs: 2, verbose: 0, shuffle: false);
        var fromEnumerable = Model(12);
        var h1 = fromEnumerable.Fit(Batches(), epochs: 2, verbose: 0);
        var fromAsync = Model(12);
        var h2 = fromAsync.Fit(AsyncBatches(), epochs: 2, verbose: 0);
        AssertSameWeights(reference, fromEnumerable);
        AssertSameWeights(reference, fromAsync);
        Assert.Equal(2, h1["loss"].Count);
        Assert.Equal(h1["loss"], h2["loss"]);
    }

    [Fact]
    public void StepsPerEpochReadsOneGeneratorOnAndStopsWhenItRunsOut()
    {
        var (x, y) = FitTests.Blobs(50, 5);
        int made = 0;
        IEnumerable<Batch> FiveBatches()
        {
            for (int s = 0; s < 50; s += 10)
            {
                made++;
                yield return (x.Slice(s, 10), y.Slice(s, 10));
            }
        }
        var model = Model(13);
        var history = model.Fit(FiveBatches(), epochs: 10, verbose: 0, stepsPerEpoch: 2);
        // Epochs 1 and 2 take two batches each, epoch 3 gets the fifth and finds the generator empty: Keras stops there.
        Assert.Equal(3, history["loss"].Count);
        Assert.Equal(5, made);
    }

    [Fact]
    public void EvaluateAndPredictOverSourcesMatchTheInMemoryCalls()
    {
        var (x, y) = FitTests.Blobs(90, 6);
        var model = Model(14);
        model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0);
        var expected = model.Evaluate(x, y, batchSize: 20, verbose: 0);
        var fromDataset = model.Evaluate(new SliceDataset(x, y, 20, workers: 2), verbose: 0);
        Assert.Equal(expected[0], fromDataset[0], 5);
        Assert.Equal(expected[1], fromDataset[1], 6);
        var batches = Enumerable.Range(0, 5).Select(i => new Batch(x.Slice(i * 20, Math.Min(20, 90 - i * 20)), y.Slice(i * 20, Math.Min(20, 90 - i * 20)))).ToList();
        Assert.Equal(expected[0], model.Evaluate(batches, verbose: 0)[0], 5);
        var probs = model.Predict(x, batchSize: 20, verbose: 0);
        var fromSource = model.Predict(new SliceDataset(x, null, 20, workers: 3), verbose: 0);
        Assert.Equal(probs.Shape, fromSource.Shape);
        var a = probs.ToArray();
        var b = fromSource.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 6);
        }
        Assert.Equal(new Shape(40, 3), model.Predict(new SliceDataset(x, y, 20), verbose: 0, steps: 2).Shape);
    }

    [Fact]
    public void ValidationDatasetIsEvaluatedEachEpoch()
    {
        var (x, y) = FitTests.Blobs(120, 7);
        var model = Model(15);
        var history = model.Fit(new SliceDataset(x.Slice(0, 100), y.Slice(0, 100), 10), epochs: 2, verbose: 0,
            validationData: new SliceDataset(x.Slice(100, 20), y.Slice(100, 20), 10), seed: 3);
        Assert.Equal(new[] { "loss", "accuracy", "val_loss", "val_accuracy" }, history.HistoryData.Keys);
        Assert.Equal(2, history["val_loss"].Count);
    }

    private sealed class CancelAt(CancellationTokenSource cts, int batch) : Callback
    {
        public override void OnTrainBatchEnd(int b, IReadOnlyDictionary<string, double> logs)
        {
            if (b == batch)
            {
                cts.Cancel();
            }
        }
    }

    [Fact]
    public void CancellationStopsBetweenBatchesWithConsistentWeights()
    {
        var (x, y) = FitTests.Blobs(200, 8);
        using var cts = new CancellationTokenSource();
        var model = Model(16);
        var ds = new SliceDataset(x, y, 20, workers: 2, maxQueueSize: 3);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            model.Fit(ds, epochs: 5, verbose: 0, shuffle: false, callbacks: [new CancelAt(cts, 3)], cancellationToken: cts.Token));
        // Exactly four whole steps were applied: the same as a run of four batches.
        var reference = Model(16);
        reference.Fit(new SliceDataset(x, y, 20), epochs: 1, verbose: 0, shuffle: false, stepsPerEpoch: 4);
        AssertSameWeights(reference, model);
        // The model is usable afterwards (the training scope was left).
        Assert.Equal(new Shape(200, 3), model.Predict(x, verbose: 0).Shape);
        Assert.ThrowsAny<OperationCanceledException>(() => model.Evaluate(ds, verbose: 0, cancellationToken: cts.Token));
    }

    [Fact]
    public void WeightedBatchesTrainAndEvaluateAsTheInMemorySampleWeight()
    {
        var (x, y) = FitTests.Blobs(100, 5);
        var w = Tensor.FromArray([.. Enumerable.Range(0, 100).Select(i => (float)(i % 4) * 0.5f)], 100);
        IEnumerable<Batch> Batches()
        {
            for (int s = 0; s < 100; s += 25)
            {
                yield return (x.Slice(s, 25), y.Slice(s, 25), w.Slice(s, 25));
            }
        }
        var reference = Model(13);
        reference.Fit(x, y, batchSize: 25, epochs: 2, verbose: 0, shuffle: false, sampleWeight: w);
        var fromBatches = Model(13);
        fromBatches.Fit(Batches(), epochs: 2, verbose: 0);
        AssertSameWeights(reference, fromBatches);
        // The weights change the result: unweighted batches train elsewhere.
        var unweighted = Model(13);
        unweighted.Fit(x, y, batchSize: 25, epochs: 2, verbose: 0, shuffle: false);
        Assert.NotEqual(reference.GetWeights()[0].ToArray(), unweighted.GetWeights()[0].ToArray());
        Assert.Equal(reference.Evaluate(x, y, batchSize: 25, verbose: 0, sampleWeight: w).Loss, fromBatches.Evaluate(Batches(), verbose: 0).Loss, 6);
    }

    [Fact]
    public void WorkersPrefetchNoMoreThanTheQueueAhead()
    {
        var (x, y) = FitTests.Blobs(400, 9);
        var ds = new SliceDataset(x, y, 10, workers: 4, maxQueueSize: 3);
        int maxAhead = 0;
        var probe = new LambdaCallback(onTrainBatchEnd: (b, _) => maxAhead = Math.Max(maxAhead, Volatile.Read(ref ds.Requests) - (b + 1)));
        Model(17).Fit(ds, epochs: 1, verbose: 0, callbacks: [probe]);
        Assert.InRange(maxAhead, 0, 3);
    }

    [Fact]
    public void DatasetErrorsReachTheCallerAndBadBatchesAreNamed()
    {
        var (x, y) = FitTests.Blobs(100, 10);
        var model = Model(18);
        var io = Assert.Throws<IOException>(() => model.Fit(new SliceDataset(x, y, 10, workers: 3, failAt: 4), verbose: 0, shuffle: false));
        Assert.Contains("batch 4", io.Message);
        var noTargets = Assert.Throws<ArgumentException>(() => model.Fit(new SliceDataset(x, null, 10), verbose: 0));
        Assert.Contains("has no targets", noTargets.Message);
        var weighted = Assert.Throws<ArgumentException>(() => model.Fit(new[] { new Batch(x, y, Tensor.Ones(new Shape(99))) }, verbose: 0));
        Assert.Contains("sampleWeight has 99 values but the data has 100 samples", weighted.Message);
        var wrong = Assert.Throws<ArgumentException>(() => model.Fit(new[] { new Batch(x, y.Slice(0, 50)) }, verbose: 0));
        Assert.Contains("batch 0 of the enumerable of batches", wrong.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(new SliceDataset(x, y, 10), stepsPerEpoch: 0));
    }

    /// <summary>Samples of 64 float32 features and a float32 class id, read from a file by record offset.</summary>
    internal sealed class FileDataset : PyDataset
    {
        private readonly string _path;
        private readonly int _batchSize;
        private readonly long _records;
        public const int Features = 64;
        private const int RecordBytes = (Features + 1) * sizeof(float);

        public FileDataset(string path, int batchSize, int workers, int maxQueueSize) : base(workers, maxQueueSize: maxQueueSize)
        {
            _path = path;
            _batchSize = batchSize;
            _records = new FileInfo(path).Length / RecordBytes;
        }

        public override int Length => (int)((_records + _batchSize - 1) / _batchSize);

        public override Batch this[int index]
        {
            get
            {
                long first = (long)index * _batchSize;
                int count = (int)Math.Min(_batchSize, _records - first);
                var raw = new byte[count * RecordBytes];
                using (var handle = File.OpenHandle(_path))
                {
                    RandomAccess.Read(handle, raw, first * RecordBytes);
                }
                var values = MemoryMarshal.Cast<byte, float>(raw);
                var x = new float[count * Features];
                var y = new int[count];
                for (int i = 0; i < count; i++)
                {
                    values.Slice(i * (Features + 1), Features).CopyTo(x.AsSpan(i * Features));
                    y[i] = (int)values[i * (Features + 1) + Features];
                }
                return (Tensor.FromArray(x, count, Features), Tensor.FromArray(y));
            }
        }

        /// <summary>Writes <paramref name="records"/> samples: the class is which third of the features has the largest sum.</summary>
        public static void Write(string path, long records, int seed)
        {
            var rng = new SeedGenerator(seed);
            using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            var record = new float[Features + 1];
            var bytes = MemoryMarshal.AsBytes(record.AsSpan());
            for (long r = 0; r < records; r++)
            {
                rng.NextFloats(record.AsSpan(0, Features));
                int cls = (int)(r % 3);
                for (int j = cls * 16; j < cls * 16 + 16; j++)
                {
                    record[j] += 0.5f;
                }
                record[Features] = cls;
                fs.Write(bytes);
            }
        }
    }

    [Fact]
    public void FitReadsAFileBackedDatasetWithWorkers()
    {
        var path = Path.Combine(_dir, "samples.bin");
        FileDataset.Write(path, 30_000, 1);
        Assert.Equal(30_000L * 65 * 4, new FileInfo(path).Length);
        Config.SetRandomSeed(2);
        var model = new Sequential([Keras.Input([FileDataset.Features]), new Dense(32, activation: "relu"), new Dense(3, activation: "softmax")]);
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(new FileDataset(path, 256, workers: 4, maxQueueSize: 4), epochs: 2, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]}");
        var score = model.Evaluate(new FileDataset(path, 1000, workers: 2, maxQueueSize: 2), verbose: 0);
        Assert.True(score[1] > 0.9, $"evaluate accuracy {score[1]}");
    }
}
