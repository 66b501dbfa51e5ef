using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Training;

/// <summary>Fit's and Evaluate's Keras options: sample and class weights, initialEpoch, stepsPerEpoch, validation steps, batch size and frequency.</summary>
public class FitOptionsTests
{
    private static Sequential Model(int seed)
    {
        Config.SetRandomSeed(seed);
        var m = new Sequential([Keras.Input([6]), new Dense(8, activation: "relu"), new Dense(3, activation: "softmax")]);
        m.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        return m;
    }

    private static (Tensor X, Tensor Y) Data(int n) => FitTests.Blobs(n, 7);

    /// <summary>Counts batches per epoch and per validation.</summary>
    private sealed class Counter : Callback
    {
        public List<int> TrainBatches { get; } = [];
        public List<int> TestBatches { get; } = [];
        public List<int> Epochs { get; } = [];

        public override void OnEpochBegin(int epoch)
        {
            Epochs.Add(epoch);
            TrainBatches.Add(0);
        }

        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => TrainBatches[^1]++;

        public override void OnTestBegin() => TestBatches.Add(0);

        public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => TestBatches[^1]++;
    }

    [Fact]
    public void SampleWeightScalesEachSamplesLossAsKerasSumOverBatchSize()
    {
        var (x, y) = Data(40);
        var model = Model(1);
        var weights = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => i % 4 == 0 ? 0f : 2f).ToArray(), 40);
        var probs = model.Predict(x, verbose: 0).ToArray();
        var labels = y.Cast(DType.Float32).ToArray();
        double expected = Enumerable.Range(0, 40).Select(i => -Math.Log(probs[i * 3 + (int)labels[i]]) * weights.ToArray()[i]).Sum() / 40;
        var score = model.Evaluate(x, y, batchSize: 40, verbose: 0, sampleWeight: weights);
        Assert.Equal(expected, score.Loss, 4);
        // Compiled metrics stay unweighted (Keras's metrics, not weighted_metrics).
        Assert.Equal(model.Evaluate(x, y, batchSize: 40, verbose: 0)["accuracy"], score["accuracy"], 6);
    }

    [Fact]
    public void ClassWeightTrainsAsTheSampleWeightsItMapsTo()
    {
        var (x, y) = Data(60);
        var classWeight = new Dictionary<int, double> { [0] = 0.5, [1] = 2.0, [2] = 1.0 };
        var labels = y.Cast(DType.Float32).ToArray();
        var sampleWeight = Tensor.FromArray(labels.Select(l => (float)classWeight[(int)l]).ToArray(), 60);
        var a = Model(2).Fit(x, y, batchSize: 16, epochs: 3, verbose: 0, seed: 4, classWeight: classWeight);
        var b = Model(2).Fit(x, y, batchSize: 16, epochs: 3, verbose: 0, seed: 4, sampleWeight: sampleWeight);
        var plain = Model(2).Fit(x, y, batchSize: 16, epochs: 3, verbose: 0, seed: 4);
        Assert.Equal(a["loss"], b["loss"]);
        Assert.NotEqual(a["loss"], plain["loss"]);
        var missing = new Dictionary<int, double> { [0] = 1.0 };
        var e = Assert.Throws<ArgumentException>(() => Model(2).Fit(x, y, verbose: 0, classWeight: missing));
        Assert.Contains("no weight for class", e.Message);
        var wrong = Assert.Throws<ArgumentException>(() => Model(2).Fit(x, y, verbose: 0, sampleWeight: Tensor.Ones(new Shape(7))));
        Assert.Contains("7 values", wrong.Message);
    }

    [Fact]
    public void InitialEpochResumesTheEpochCount()
    {
        var (x, y) = Data(32);
        var counter = new Counter();
        var history = Model(3).Fit(x, y, batchSize: 16, epochs: 5, initialEpoch: 3, verbose: 0, callbacks: [counter]);
        Assert.Equal([3, 4], counter.Epochs);
        Assert.Equal([3, 4], history.Epoch);
        Assert.Throws<ArgumentOutOfRangeException>(() => Model(3).Fit(x, y, epochs: 2, initialEpoch: 2, verbose: 0));
    }

    [Fact]
    public void StepsPerEpochCarriesThePassOverAcrossEpochsAsKerasIterator()
    {
        var (x, y) = Data(100);
        var counter = new Counter();
        // 10 batches of 10: epochs take 4, 4, then the 2 left before the data runs out (Keras interrupts there), then 4 of a new pass.
        Model(4).Fit(x, y, batchSize: 10, epochs: 4, stepsPerEpoch: 4, verbose: 0, callbacks: [counter]);
        Assert.Equal([4, 4, 2, 4], counter.TrainBatches);
    }

    [Fact]
    public void ValidationFreqStepsAndBatchSize()
    {
        var (x, y) = Data(60);
        var counter = new Counter();
        var history = Model(5).Fit(x.Slice(0, 40), y.Slice(0, 40), batchSize: 10, epochs: 4, verbose: 0,
            validationData: (x.Slice(40, 20), y.Slice(40, 20)), validationFreq: 2, validationBatchSize: 5, validationSteps: 3, callbacks: [counter]);
        // Validated after epochs 2 and 4 only; 4 batches of 5, 3 at a time carrying on: 3, then the 1 left.
        Assert.Equal([3, 1], counter.TestBatches);
        Assert.Equal(2, history["val_loss"].Count);
        Assert.Equal(4, history["loss"].Count);
    }

    [Fact]
    public void EvaluateStepsTakesTheFirstBatches()
    {
        var (x, y) = Data(40);
        var model = Model(6);
        var firstTwo = model.Evaluate(x, y, batchSize: 10, steps: 2, verbose: 0);
        var same = model.Evaluate(x.Slice(0, 20), y.Slice(0, 20), batchSize: 10, verbose: 0);
        Assert.Equal(same.Loss, firstTwo.Loss, 6);
    }

    [Fact]
    public void WeightedTrainingStepAllocatesNothingPerStep()
    {
        var (x, y) = Data(320);
        var model = Model(7);
        var w = Tensor.Ones(new Shape(320));
        model.Fit(x, y, batchSize: 32, epochs: 1, verbose: 0, sampleWeight: w);
        long Measure(int samples)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(x.Slice(0, samples), y.Slice(0, samples), batchSize: 32, epochs: 1, verbose: 0, sampleWeight: w.Slice(0, samples));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Measure(64);
        Measure(384 - 64);
        // The least of three calls each: a one-off allocation made while other tests run in parallel
        // (a lazy cache, a tier-up) shows in one call, an allocation per step in every call.
        long two = long.MaxValue, twelve = long.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            two = Math.Min(two, Measure(64));
            twelve = Math.Min(twelve, Measure(384 - 64));
        }
        // Per call only the arrays sized by the sample count (the shuffle order, the weights' copies) grow; steps add nothing.
        Assert.True(twelve - two <= 256 * 16 + 512, $"8 more weighted steps allocated {twelve - two} bytes");
    }
}
