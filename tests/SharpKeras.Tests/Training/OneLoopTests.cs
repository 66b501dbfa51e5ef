using SharpKeras.Callbacks;
using SharpKeras.Data;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Training;

namespace SharpKeras.Tests.Training;

/// <summary>Batch sources go through the same loop as arrays: overridden steps, TerminateOnNaN, class weights, initialEpoch and validationFreq.</summary>
[Collection(SharpKeras.Tests.Backend.ThreadCountCollection.Name)]
public sealed class OneLoopTests
{
    /// <summary>A functional model whose steps count their calls and then run the built-in ones.</summary>
    private sealed class CountingModel(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        public int TrainSteps;
        public int TestSteps;
        public int PredictSteps;
        public List<int> BatchSizes { get; } = [];

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            TrainSteps++;
            BatchSizes.Add(data.BatchSize);
            return base.TrainStep(data);
        }

        public override IReadOnlyDictionary<string, double> TestStep(StepData data)
        {
            TestSteps++;
            return base.TestStep(data);
        }

        public override IReadOnlyList<Tensor> PredictStep(StepData data)
        {
            PredictSteps++;
            return base.PredictStep(data);
        }
    }

    /// <summary>Batches sliced from arrays; <paramref name="poison"/> fills batch's inputs with NaN.</summary>
    private sealed class Slices(Tensor x, Tensor y, int batchSize, int workers = 1, int poison = -1) : PyDataset(workers)
    {
        public override int Length => (x.Shape[0] + batchSize - 1) / batchSize;

        public override Batch this[int index]
        {
            get
            {
                int start = index * batchSize, count = Math.Min(batchSize, x.Shape[0] - start);
                var xb = x.Slice(start, count);
                if (index == poison)
                {
                    xb = Tensor.FromArray(Enumerable.Repeat(float.NaN, xb.Length).ToArray(), xb.Shape.ToArray());
                }
                return (xb, y.Slice(start, count));
            }
        }
    }

    private static CountingModel Counting(int seed)
    {
        Config.SetRandomSeed(seed);
        var inputs = Keras.Input([6]);
        var hidden = new Dense(16, activation: "relu").Apply(inputs);
        var model = new CountingModel(inputs, new Dense(3, activation: "softmax").Apply(hidden));
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    private static Sequential Plain(int seed)
    {
        Config.SetRandomSeed(seed);
        var m = new Sequential([Keras.Input([6]), new Dense(16, activation: "relu"), new Dense(3, activation: "softmax")]);
        m.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return m;
    }

    private static IEnumerable<Batch> Enumerate(Tensor x, Tensor y, int batchSize)
    {
        for (int s = 0; s < x.Shape[0]; s += batchSize)
        {
            int count = Math.Min(batchSize, x.Shape[0] - s);
            yield return (x.Slice(s, count), y.Slice(s, count));
        }
    }

    [Fact]
    public void OverriddenStepsAreCalledForAPyDatasetAndAnEnumerable()
    {
        var (x, y) = FitTests.Blobs(100, 3);
        var model = Counting(21);
        var history = model.Fit(new Slices(x, y, 32, workers: 2), epochs: 2, verbose: 0, validationData: new Slices(x, y, 50), shuffle: false);
        // 4 batches (32, 32, 32, 4) per epoch, 2 validation batches per epoch.
        Assert.Equal(8, model.TrainSteps);
        Assert.Equal(new[] { 32, 32, 32, 4, 32, 32, 32, 4 }, model.BatchSizes);
        Assert.Equal(4, model.TestSteps);
        Assert.Equal(2, history["val_loss"].Count);

        var fromEnumerable = Counting(21);
        fromEnumerable.Fit(Enumerate(x, y, 32), epochs: 2, verbose: 0, validationData: Enumerate(x, y, 50));
        Assert.Equal(8, fromEnumerable.TrainSteps);
        Assert.Equal(4, fromEnumerable.TestSteps);
        // The overridden step ran the built-in one on the same batches: the same weights as the PyDataset run.
        Assert.Equal(model.GetWeights()[0].ToArray(), fromEnumerable.GetWeights()[0].ToArray());

        fromEnumerable.Evaluate(Enumerate(x, y, 25), verbose: 0);
        Assert.Equal(8, fromEnumerable.TestSteps);
        var probs = fromEnumerable.Predict(new Slices(x, y, 30), verbose: 0);
        Assert.Equal(4, fromEnumerable.PredictSteps);
        Assert.Equal(new Shape(100, 3), probs.Shape);
    }

    /// <summary>A model whose custom TrainStep learns nothing but counts what it was given, as a user's step would read it.</summary>
    private sealed class RecordingStepModel(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        public List<(int Rows, float First, bool HasWeights)> Seen { get; } = [];

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var (x, y, w) = data;
            Seen.Add((x.Shape[0], y!.ToArray()[0], w is not null));
            return new Dictionary<string, double> { ["loss"] = x.Shape[0] };
        }
    }

    [Fact]
    public void ACustomStepReadsTheSourceBatchesAndTheirWeights()
    {
        var x = Tensor.FromArray([.. Enumerable.Range(0, 40).Select(i => (float)i)], 10, 4);
        var y = Tensor.FromArray([.. Enumerable.Range(0, 10).Select(i => (float)i)], 10, 1);
        var inputs = Keras.Input([4]);
        var model = new RecordingStepModel(inputs, new Dense(1).Apply(inputs));
        model.Compile("sgd");
        IEnumerable<Batch> Weighted()
        {
            yield return (x.Slice(0, 6), y.Slice(0, 6), Tensor.Ones(new Shape(6)));
            yield return (x.Slice(6, 4), y.Slice(6, 4));
        }
        var history = model.Fit(Weighted(), epochs: 1, verbose: 0);
        Assert.Equal(new[] { (6, 0f, true), (4, 6f, false) }, model.Seen);
        Assert.Equal(4.0, history["loss"][0]);
    }

    [Fact]
    public void TheDefaultNaNCheckAndTerminateOnNaNStopASourceFit()
    {
        var (x, y) = FitTests.Blobs(100, 4);
        var model = Plain(22);
        var error = Assert.Throws<NonFiniteLossException>(() => model.Fit(new Slices(x, y, 20, poison: 2), epochs: 3, verbose: 0, shuffle: false));
        Assert.Contains("batch 3", error.Message);

        var stopped = Counting(22);
        int batches = 0;
        var counter = new LambdaCallback(onTrainBatchEnd: (_, _) => batches++);
        var history = stopped.Fit(Enumerate(x, y, 20).Select((b, i) => i == 1 ? new Batch([Tensor.FromArray(Enumerable.Repeat(float.NaN, b.X[0].Length).ToArray(), b.X[0].Shape.ToArray())], b.Y) : b),
            epochs: 3, verbose: 0, callbacks: [new TerminateOnNaN(), counter]);
        // Keras's TerminateOnNaN stops after the batch whose loss is NaN: two batches, one epoch.
        Assert.Equal(2, batches);
        Assert.Equal(2, stopped.TrainSteps);
        Assert.Single(history["loss"]);
    }

    [Fact]
    public void ClassWeightInitialEpochAndValidationFreqApplyToSourcesAsToArrays()
    {
        var (x, y) = FitTests.Blobs(90, 5);
        var classWeight = new Dictionary<int, double> { [0] = 1.0, [1] = 3.0, [2] = 0.5 };
        var reference = Plain(23);
        var refHistory = reference.Fit(x, y, batchSize: 30, epochs: 4, verbose: 0, shuffle: false, classWeight: classWeight, initialEpoch: 1,
            validationData: (x, y), validationFreq: 2);
        var model = Plain(23);
        var history = model.Fit(new Slices(x, y, 30), epochs: 4, verbose: 0, shuffle: false, classWeight: classWeight, initialEpoch: 1,
            validationData: new Slices(x, y, 30), validationFreq: 2);
        Assert.Equal(reference.GetWeights()[0].ToArray(), model.GetWeights()[0].ToArray());
        Assert.Equal(refHistory.Epoch, history.Epoch);
        Assert.Equal(new[] { 1, 2, 3 }, history.Epoch);
        Assert.Equal(refHistory["loss"], history["loss"]);
        // validationFreq 2 validates after epochs 2 and 4 only.
        Assert.Equal(2, history["val_loss"].Count);
        Assert.Equal(refHistory["val_loss"][^1], history["val_loss"][^1], 6);
        var unweighted = Plain(23);
        unweighted.Fit(new Slices(x, y, 30), epochs: 4, verbose: 0, shuffle: false, initialEpoch: 1);
        Assert.NotEqual(unweighted.GetWeights()[0].ToArray(), model.GetWeights()[0].ToArray());
    }

    [Fact]
    public void AGeneratorThatEndsAtAnEpochBoundaryStopsWithoutAnEmptyEpoch()
    {
        var (x, y) = FitTests.Blobs(40, 6);
        var model = Plain(24);
        var history = model.Fit(Enumerate(x, y, 10), epochs: 5, verbose: 0, stepsPerEpoch: 2);
        // Four batches: two epochs of two; the third finds the generator empty and training stops, as Keras's.
        Assert.Equal(2, history["loss"].Count);
    }
}
