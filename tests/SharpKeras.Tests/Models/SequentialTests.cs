using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Models;

public class SequentialTests
{
    [Fact]
    public void AddPopAndGetLayer()
    {
        var model = new Sequential([new Flatten(), new Dense(4), new Dense(2)]);
        Assert.Equal(3, model.Layers.Count);
        Assert.Same(model.Layers[1], model.GetLayer("dense"));
        var e = Assert.Throws<ArgumentException>(() => model.GetLayer("conv2d"));
        Assert.Contains("dense_1", e.Message);
        var popped = model.Pop();
        Assert.Equal("dense_1", popped.Name);
        Assert.Equal(2, model.Layers.Count);
        Assert.Throws<InvalidOperationException>(() => new Sequential().Pop());
    }

    [Fact]
    public void InputLayerMustComeFirst()
    {
        var model = new Sequential([new Dense(2)]);
        Assert.Throws<ArgumentException>(() => model.Add(new InputLayer([3])));
        var withInput = new Sequential();
        withInput.Add(new InputLayer([3]));
        withInput.Add(new Dense(2));
        Assert.Single(withInput.Layers);
        Assert.Equal(new Shape(-1, 3), withInput.InputShape);
    }

    [Fact]
    public void ModelWithoutLayersCannotRun()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new Sequential().Predict(Tensor.Zeros(new Shape(2, 3)), verbose: 0));
        Assert.Contains("no layers", e.Message);
    }

    [Fact]
    public void CountsParamsAndExposesWeights()
    {
        var model = new Sequential([new Dense(4, inputDim: 3), new Dense(2)]);
        model.Predict(Tensor.Zeros(new Shape(1, 3)), verbose: 0);
        Assert.Equal(3 * 4 + 4 + 4 * 2 + 2, model.CountParams());
        Assert.Equal(new[] { "kernel", "bias", "kernel", "bias" }, model.Weights.Select(w => w.Name));
        Assert.Equal(4, model.GetWeights().Count);
    }

    [Fact]
    public void EvaluationResultAndHistoryNameWhatIsMissing()
    {
        var (x, y) = Training.FitTests.Blobs(20, 1);
        var model = new Sequential([new Dense(3, activation: "softmax")]);
        model.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, 10, 1, verbose: 0);
        Assert.Contains("accuracy", Assert.Throws<KeyNotFoundException>(() => history["val_loss"]).Message);
        var result = model.Evaluate(x, y, verbose: 0);
        Assert.Equal(result.Loss, result["loss"]);
        // Keras prints values up to 1e-3 in e-notation: an unseeded model may score accuracy 0 ("0.0000e+00").
        Assert.Matches(@"^loss: \d\.\d{4}(e[+-]\d{2})? - accuracy: \d\.\d{4}(e[+-]\d{2})?$", result.ToString());
        Assert.Throws<KeyNotFoundException>(() => result["precision"]);
    }
}
