using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Layers.Core;

public class CoreLayerTests
{
    [Fact]
    public void DenseOutputShapeAndWeights()
    {
        var d = new Dense(4, activation: "relu");
        var y = d.Apply(Tensor.Ones(new Shape(3, 5)));
        Assert.Equal(new Shape(3, 4), y.Shape);
        Assert.Equal(new Shape(5, 4), d.Kernel!.Shape);
        Assert.Equal(new Shape(4), d.Bias!.Shape);
        Assert.Equal(24, d.CountParams());
        Assert.Equal(new Shape(-1, 7, 4), d.ComputeOutputShape(new Shape(-1, 7, 5)));
        Assert.Equal(new Shape(2, 7, 4), d.Apply(Tensor.Ones(new Shape(2, 7, 5))).Shape);
    }

    [Fact]
    public void DenseComputesAffineMapThenActivation()
    {
        var d = new Dense(2, activation: "relu", kernelInitializer: "ones", biasInitializer: new Zeros());
        var y = d.Apply(Tensor.FromArray(new float[] { 1, 2, -5, 1 }, 2, 2));
        Assert.Equal(new float[] { 3, 3, 0, 0 }, y.ToArray());
    }

    [Fact]
    public void LegacyPositionalDenseArgumentsAreUnitsInputDimActivation()
    {
        var d = new Dense(128, null, "relu");
        Assert.Equal(128, d.Units);
        Assert.Equal("relu", d.Activation.Name);
        var withDim = new Dense(8, 3, "softmax");
        Assert.Equal(new Shape(3), withDim.DeclaredInputShape);
    }

    [Fact]
    public void DenseRejectsInputOfAnotherSizeAfterBuild()
    {
        var d = new Dense(4, name: "my_dense");
        d.Apply(Tensor.Ones(new Shape(2, 5)));
        var e = Assert.Throws<ArgumentException>(() => d.Apply(Tensor.Ones(new Shape(2, 6))));
        Assert.Contains("my_dense", e.Message);
        Assert.Contains("value 5", e.Message);
        Assert.Contains("(2, 6)", e.Message);
    }

    [Fact]
    public void InvalidConstructorArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
        var e = Assert.Throws<ArgumentException>(() => new Dense(3, activation: "relux"));
        Assert.Contains("relu", e.Message);
        Assert.Contains("softmax", e.Message);
        var i = Assert.Throws<ArgumentException>(() => new Dense(3, kernelInitializer: "glorot"));
        Assert.Contains("glorot_uniform", i.Message);
    }

    [Fact]
    public void ActivationLayerAppliesFunction()
    {
        var a = new Activation("sigmoid");
        Assert.Equal(new Shape(2, 3), a.ComputeOutputShape(new Shape(2, 3)));
        Assert.Equal(0.5f, a.Apply(Tensor.Zeros(new Shape(1, 1))).Item());
        var softmax = new Activation("softmax").Apply(Tensor.FromArray(new float[] { 1, 1, 1, 1 }, 1, 4));
        Assert.All(softmax.ToArray(), v => Assert.Equal(0.25f, v, 6));
        Assert.Equal(new float[] { -1, 2 }, new Activation("linear").Apply(Tensor.FromArray(new float[] { -1, 2 }, 1, 2)).ToArray());
        Assert.Equal(MathF.Tanh(0.5f), new Activation("tanh").Apply(Tensor.Full(new Shape(1, 1), 0.5f)).Item(), 6);
    }

    [Fact]
    public void InputLayerChecksShape()
    {
        var model = new Sequential();
        model.Add(SharpKeras.Keras.Input([4]));
        model.Add(new Dense(2));
        Assert.Equal(new Shape(3, 2), model.Predict(Tensor.Zeros(new Shape(3, 4)), verbose: 0).Shape);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(Tensor.Zeros(new Shape(3, 5)), verbose: 0));
        Assert.Contains("input_layer", e.Message);
        Assert.Contains("(None, 4)", e.Message);
        Assert.Contains("(3, 5)", e.Message);
    }

    [Fact]
    public void LayersAreNamedPerModelAfterTheirClass()
    {
        var model = new Sequential([new Flatten(), new Dense(3), new Dense(2), new Dropout(0.1), new Dense(1, name: "head")]);
        Assert.Equal(new[] { "flatten", "dense", "dense_1", "dropout", "head" }, model.Layers.Select(l => l.Name));
        var other = new Sequential([new Dense(3)]);
        Assert.Equal("dense", other.Layers[0].Name);
        Assert.Throws<ArgumentException>(() => model.Add(new Dense(1, name: "head")));
        Assert.Equal("max_pooling2d", Layer.ToSnakeCase("MaxPooling2D"));
        Assert.Equal("conv2d", Layer.ToSnakeCase("Conv2D"));
        Assert.Equal("batch_normalization", Layer.ToSnakeCase("BatchNormalization"));
    }
}
