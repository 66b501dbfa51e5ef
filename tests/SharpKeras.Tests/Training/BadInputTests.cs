using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Training;

namespace SharpKeras.Tests.Training;

/// <summary>Every bad input named in the foundation issue gets a clear error.</summary>
public class BadInputTests
{
    private static Sequential Compiled()
    {
        var model = new Sequential([new Flatten(), new Dense(8, activation: "relu"), new Dense(3, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: new[] { "accuracy" });
        return model;
    }

    private static readonly Tensor X = Tensor.Zeros(new Shape(10, 4, 4));
    private static readonly Tensor Y = Tensor.FromArray(new int[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0 });

    [Fact]
    public void WrongInputShapeNamesLayerAndShapes()
    {
        var model = Compiled();
        model.Fit(X, Y, 5, 1, verbose: 0);
        var bad = Tensor.Zeros(new Shape(10, 5, 5));
        foreach (var act in new Action[] { () => model.Fit(bad, Y, 5, 1, verbose: 0), () => model.Predict(bad, verbose: 0), () => model.Evaluate(bad, Y, verbose: 0) })
        {
            var e = Assert.Throws<ArgumentException>(act);
            Assert.Contains("\"dense\"", e.Message);
            Assert.Contains("16", e.Message);
            Assert.Contains("25)", e.Message);
        }
    }

    [Fact]
    public void SampleCountMismatch()
    {
        var e = Assert.Throws<ArgumentException>(() => Compiled().Fit(X, Y.Slice(0, 9), verbose: 0));
        Assert.Contains("same number of samples", e.Message);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);
        Assert.Throws<ArgumentException>(() => Compiled().Evaluate(X, Y.Slice(0, 9), verbose: 0));
    }

    [Fact]
    public void SparseLabelsOutOfRange()
    {
        var y = Tensor.FromArray(new int[] { 0, 1, 2, 3, 1, 2, 0, 1, 2, 0 });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Compiled().Fit(X, y, 10, 1, verbose: 0));
        Assert.Contains("label 3", e.Message);
        Assert.Contains("[0, 3)", e.Message);
    }

    [Fact]
    public void UnknownIdentifiersListTheValidOnes()
    {
        var model = new Sequential([new Dense(2)]);
        Assert.Contains("adam", Assert.Throws<ArgumentException>(() => model.Compile("adamax2", "mse")).Message);
        Assert.Contains("mean_squared_error", Assert.Throws<ArgumentException>(() => model.Compile("adam", "l2")).Message);
        Assert.Contains("accuracy", Assert.Throws<ArgumentException>(() => model.Compile("adam", "mse", ["accurcy"])).Message);
        Assert.Contains("sigmoid", Assert.Throws<ArgumentException>(() => new Dense(2, activation: "gelu2")).Message);
        Assert.Contains("glorot_uniform", Assert.Throws<ArgumentException>(() => new Dense(2, kernelInitializer: "xavier")).Message);
    }

    [Fact]
    public void NonPositiveBatchSizeOrEpochs()
    {
        Assert.Contains("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => Compiled().Fit(X, Y, 0, 1, verbose: 0)).Message);
        Assert.Contains("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => Compiled().Fit(X, Y, 5, 0, verbose: 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Compiled().Predict(X, 0, verbose: 0));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void ValidationSplitOutsideUnitInterval(double split)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Compiled().Fit(X, Y, 5, 1, verbose: 0, validationSplit: split));
        Assert.Contains("validationSplit", e.Message);
    }

    [Fact]
    public void FitBeforeCompile()
    {
        var model = new Sequential([new Dense(2)]);
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(X, Y, verbose: 0));
        Assert.Contains("Compile()", e.Message);
        Assert.Throws<InvalidOperationException>(() => model.Evaluate(X, Y, verbose: 0));
    }

    [Fact]
    public void NonFiniteLossStopsWithEpochAndBatch()
    {
        var model = new Sequential([new Flatten(), new Dense(3)]);
        model.Compile(new SGD(0.01), "mse");
        var x = Tensor.Full(new Shape(10, 4, 4), 1e20f);
        var target = Tensor.Zeros(new Shape(10, 3));
        var e = Assert.Throws<NonFiniteLossException>(() => model.Fit(x, target, 5, 3, verbose: 0, shuffle: false));
        Assert.Equal((1, 1), (e.Epoch, e.Batch));
        Assert.Contains("epoch 1, batch 1", e.Message);
        Assert.Contains("Infinity", e.Message);

        var nanInput = Tensor.Full(new Shape(10, 4, 4), float.NaN);
        var nan = Assert.Throws<NonFiniteLossException>(() => Compiled().Fit(nanInput, Y, 5, 1, verbose: 0));
        Assert.Equal((1, 1), (nan.Epoch, nan.Batch));
        Assert.Contains("NaN", nan.Message);
    }
}
