using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Models;

/// <summary>Keras 3's model-API basics: Input in the Sequential list, inputShape on layers, indexable results, the on-batch methods.</summary>
public class ModelApiTests
{
    private static (Tensor X, Tensor Y) Data(int n = 64)
    {
        var rng = new Random(3);
        var x = Tensor.FromArray(Enumerable.Range(0, n * 4).Select(_ => (float)rng.NextDouble()).ToArray(), n, 4);
        var y = Keras.Utils.ToCategorical(Enumerable.Range(0, n).Select(i => i % 2).ToArray(), 2);
        return (x, y);
    }

    [Fact]
    public void SequentialStartingWithInputIsBuiltAtOnce()
    {
        var model = new Sequential([Keras.Input([4]), new Dense(3), new Dense(2)]);
        Assert.All(model.Layers, l => Assert.True(l.Built));
        Assert.Equal(4, model.GetWeights().Count);
        Assert.Equal(new Shape(4, 3), model.GetWeights()[0].Shape);
        Assert.Equal(new Shape(-1, 4), model.InputShape);
        model.SetWeights(model.GetWeights());
    }

    [Fact]
    public void LayersAddedAfterAnInputAreBuiltOnAdd()
    {
        var model = new Sequential();
        model.Add(Keras.Input([5]));
        model.Add(new Dense(3));
        Assert.Equal(new Shape(5, 3), model.GetWeights()[0].Shape);
        model.Add(new Dense(2));
        Assert.Equal(new Shape(3, 2), model.GetWeights()[2].Shape);
    }

    [Fact]
    public void NonInputTensorInTheListIsRejected()
    {
        var input = Keras.Input([4]);
        var hidden = new Dense(3).Apply(input);
        var e = Assert.Throws<ArgumentException>(() => new Sequential([hidden, new Dense(2)]));
        Assert.Contains("not a model input made by Keras.Input", e.Message);
    }

    [Fact]
    public void LayerThatCannotTakeThePreviousOutputIsNotAdded()
    {
        var model = new Sequential([Keras.Input([4]), new Dense(3)]);
        var prebuilt = new Dense(2);
        prebuilt.EnsureBuilt(new Shape(-1, 7));
        Assert.ThrowsAny<ArgumentException>(() => model.Add(prebuilt));
        Assert.Single(model.Layers);
    }

    [Fact]
    public void InputShapeOnFirstLayerBuildsTheModelAndSummaryWorksBeforeFit()
    {
        var model = new Sequential();
        model.Add(new Dense(8, activation: "relu", inputShape: [20]));
        model.Add(new Dense(1));
        Assert.All(model.Layers, l => Assert.True(l.Built));
        Assert.Equal(4, model.GetWeights().Count);
        string? text = null;
        model.Summary(s => text = s);
        Assert.Contains("Total params: 177", text, StringComparison.Ordinal);
    }

    [Fact]
    public void InputDimAndInputLengthDeclareTheInput()
    {
        var dense = new Sequential([new Dense(2, inputDim: 6)]);
        Assert.Equal(new Shape(6, 2), dense.GetWeights()[0].Shape);
        var embedded = new Sequential([new Embedding(10, 4, inputLength: 7), new Flatten(), new Dense(1)]);
        Assert.Equal(new Shape(28, 1), embedded.GetWeights()[1].Shape);
        var flat = new Sequential([new Flatten(inputShape: [2, 3]), new Dense(1)]);
        Assert.Equal(new Shape(6, 1), flat.GetWeights()[0].Shape);
        var dropped = new Sequential([new Dropout(0.5, inputShape: [3]), new Dense(1)]);
        Assert.Equal(new Shape(3, 1), dropped.GetWeights()[0].Shape);
    }

    [Fact]
    public void Keras2StyleConvAndRecurrentModelsAreBuiltFromInputShape()
    {
        var conv = new Sequential([
            new Conv2D(4, 3, activation: "relu", inputShape: [8, 8, 1]),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(2, activation: "softmax"),
        ]);
        Assert.Equal(new Shape(3, 3, 1, 4), conv.GetWeights()[0].Shape);
        Assert.Equal(new Shape(36, 2), conv.GetWeights()[2].Shape);
        conv.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        var x = Keras.Random.Uniform([16, 8, 8, 1], seed: 4);
        var y = Keras.Utils.ToCategorical(Enumerable.Range(0, 16).Select(i => i % 2).ToArray());
        var history = conv.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
        Assert.All(history["loss"], v => Assert.True(double.IsFinite(v)));

        var rnn = new Sequential([new LSTM(3, inputShape: [5, 2]), new Dense(1)]);
        Assert.Equal(new Shape(2, 12), rnn.GetWeights()[0].Shape);
        Assert.Equal(new Shape(2, 5, 1), new Sequential([new Conv1D(1, 2, inputShape: [6, 5])]).GetWeights()[0].Shape);
        Assert.Equal(new Shape(4, 9), new Sequential([new GRU(3, inputShape: [7, 4])]).GetWeights()[0].Shape);
        Assert.Equal(new Shape(4, 3), new Sequential([new SimpleRNN(3, inputShape: [7, 4])]).GetWeights()[0].Shape);
        var e = Assert.Throws<ArgumentException>(() => new Conv2D(1, 3, inputShape: [8, -2, 1], name: "c"));
        Assert.Contains("Conv2D layer 'c'", e.Message);
    }

    [Fact]
    public void BatchSizeCompletesTheDeclaredInputIntoTheBatchShape()
    {
        var model = new Sequential([new Dense(8, inputShape: [20], batchSize: 32), new Dense(1)]);
        Assert.Equal(new Shape(32, 20), model.InputShape);
        string? text = null;
        model.Summary(s => text = s);
        Assert.Contains("(32, 8)", text, StringComparison.Ordinal);
        model.Compile("sgd", "mse");
        model.Fit(Keras.Random.Uniform([40, 20], seed: 1), Keras.Random.Uniform([40, 1], seed: 2), batchSize: 32, verbose: 0);
        Assert.Equal(new Shape(32, 20), model.InputShape);
        Assert.Equal(32, new Embedding(10, 2, inputLength: 5, batchSize: 32).DeclaredBatchSize);

        var e = Assert.Throws<ArgumentException>(() => new Dense(2, batchSize: 4));
        Assert.Contains("without an input shape", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LSTM(2, inputShape: [3, 1], batchSize: 0));
    }

    [Fact]
    public void BadInputShapeArgumentsNameTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dense(2, inputShape: [0]));
        Assert.Contains("Dense layer 'dense'", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dense(2, inputDim: 3, inputShape: [4]));
        Assert.Contains("disagree", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Embedding(5, 2, inputLength: 3, inputShape: [4], name: "emb"));
        Assert.Contains("Embedding layer 'emb'", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(5, 2, inputLength: 0));
        e = Assert.Throws<ArgumentException>(() => new Flatten(inputShape: []));
        Assert.Contains("Flatten", e.Message);
    }

    [Fact]
    public void EvaluateIsIndexableByPositionAndByName()
    {
        var (x, y) = Data();
        var model = new Sequential([Keras.Input([4]), new Dense(2, activation: "softmax")]);
        model.Compile("sgd", "categorical_crossentropy", ["accuracy"]);
        var score = model.Evaluate(x, y, verbose: 0);
        Assert.Equal(2, score.Count);
        Assert.Equal(score["loss"], score[0]);
        Assert.Equal(score["accuracy"], score[1]);
        var (loss, accuracy) = score;
        Assert.Equal(score[0], loss);
        Assert.Equal(score[1], accuracy);
        Assert.Throws<ArgumentOutOfRangeException>(() => score[2]);

        var dict = model.Evaluate(x, y, verbose: 0, returnDict: true);
        Assert.True(dict.IsDict);
        Assert.Equal(score["loss"], dict["loss"], 6);
        var e = Assert.Throws<InvalidOperationException>(() => dict[0]);
        Assert.Contains("returnDict", e.Message);
    }

    [Fact]
    public void TrainOnBatchUpdatesWeightsAndAccumulatesMetricsUntilReset()
    {
        var (x, y) = Data();
        var model = new Sequential([Keras.Input([4]), new Dense(2, activation: "softmax")]);
        model.Compile("sgd", "categorical_crossentropy", ["accuracy"]);
        var before = model.GetWeights()[0].ToArray();
        var first = model.TrainOnBatch(x, y);
        Assert.NotEqual(before, model.GetWeights()[0].ToArray());
        Assert.Equal("loss", first.Values.Keys.First());
        Assert.True(double.IsFinite(first[0]));

        // A second batch of other samples: Keras reports the running mean of both, not the last batch alone.
        var (x2, y2) = (x.Slice(0, 8), y.Slice(0, 8));
        var fresh = model.TestOnBatch(x2, y2);
        model.ResetMetrics();
        var alone = model.TestOnBatch(x2, y2);
        Assert.NotEqual(alone[0], fresh[0]);
        Assert.Equal((first[0] * 64 + alone[0] * 8) / 72, fresh[0], 4);

        model.ResetMetrics();
        var afterReset = model.TrainOnBatch(x2, y2, returnDict: true);
        Assert.Equal(alone["loss"], afterReset["loss"], 5);
        Assert.Throws<InvalidOperationException>(() => afterReset[0]);
    }

    [Fact]
    public void OnBatchMethodsNeedCompileAndMatchingData()
    {
        var (x, y) = Data();
        var model = new Sequential([Keras.Input([4]), new Dense(2)]);
        var e = Assert.Throws<InvalidOperationException>(() => model.TrainOnBatch(x, y));
        Assert.Contains("Compile", e.Message);
        model.Compile("sgd", "mse");
        Assert.ThrowsAny<ArgumentException>(() => model.TestOnBatch(x, y.Slice(0, 3)));
    }
}
