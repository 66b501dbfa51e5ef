using SharpKeras.Layers;
using SharpKeras.Models;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Convolutional;

/// <summary>Shapes, parameter counts and errors of the convolutional, pooling and reshaping layers, as Keras gives them.</summary>
public class ConvolutionalLayerTests
{
    /// <summary>The Keras mnist_cnn model.</summary>
    internal static Sequential MnistCnn() => new(
    [
        new InputLayer([28, 28, 1]),
        new Conv2D(32, kernelSize: (3, 3), activation: "relu"),
        new Conv2D(64, (3, 3), activation: "relu"),
        new MaxPooling2D(poolSize: (2, 2)),
        new Dropout(0.25),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dropout(0.5),
        new Dense(10, activation: "softmax"),
    ]);

    /// <summary>The Keras cifar10_cnn model.</summary>
    internal static Sequential Cifar10Cnn() => new(
    [
        new InputLayer([32, 32, 3]),
        new Conv2D(32, 3, padding: "same", activation: "relu"),
        new Conv2D(32, 3, activation: "relu"),
        new MaxPooling2D(2),
        new Dropout(0.25),
        new Conv2D(64, 3, padding: "same", activation: "relu"),
        new Conv2D(64, 3, activation: "relu"),
        new MaxPooling2D(2),
        new Dropout(0.25),
        new Flatten(),
        new Dense(512, activation: "relu"),
        new Dropout(0.5),
        new Dense(10, activation: "softmax"),
    ]);

    private static void AssertLayers(Sequential model, (string Name, int[] Shape, int Params)[] expected, int total)
    {
        model.EnsureBuilt(new Shape([1, .. model.InputShape!.Dims[1..]]));
        var layers = model.Layers;
        Assert.Equal(expected.Length, layers.Count);
        var shape = model.InputShape!;
        for (int i = 0; i < expected.Length; i++)
        {
            shape = layers[i].ComputeOutputShape(shape);
            Assert.Equal(expected[i].Name, layers[i].Name);
            Assert.Equal(new Shape([-1, .. expected[i].Shape]), shape);
            Assert.Equal(expected[i].Params, layers[i].CountParams());
        }
        Assert.Equal(total, model.CountParams());
    }

    [Fact]
    public void MnistCnnHasKerasShapesAndParameterCounts() => AssertLayers(MnistCnn(),
    [
        ("conv2d", [26, 26, 32], 320),
        ("conv2d_1", [24, 24, 64], 18_496),
        ("max_pooling2d", [12, 12, 64], 0),
        ("dropout", [12, 12, 64], 0),
        ("flatten", [9216], 0),
        ("dense", [128], 1_179_776),
        ("dropout_1", [128], 0),
        ("dense_1", [10], 1_290),
    ], 1_199_882);

    [Fact]
    public void Cifar10CnnHasKerasShapesAndParameterCounts() => AssertLayers(Cifar10Cnn(),
    [
        ("conv2d", [32, 32, 32], 896),
        ("conv2d_1", [30, 30, 32], 9_248),
        ("max_pooling2d", [15, 15, 32], 0),
        ("dropout", [15, 15, 32], 0),
        ("conv2d_2", [15, 15, 64], 18_496),
        ("conv2d_3", [13, 13, 64], 36_928),
        ("max_pooling2d_1", [6, 6, 64], 0),
        ("dropout_1", [6, 6, 64], 0),
        ("flatten", [2304], 0),
        ("dense", [512], 1_180_160),
        ("dropout_2", [512], 0),
        ("dense_1", [10], 5_130),
    ], 1_250_858);

    [Fact]
    public void PredictGivesTheShapesTheLayersDeclare()
    {
        var model = Cifar10Cnn();
        var y = model.Predict(Random(1, 0, 1, 3, 32, 32, 3), verbose: 0);
        Assert.Equal(new Shape(3, 10), y.Shape);
        foreach (var row in y.ToArray().Chunk(10))
        {
            Assert.Equal(1.0, row.Sum(), 1e-5);
        }
    }

    [Fact]
    public void SummaryShowsConvolutionalLayers()
    {
        var model = MnistCnn();
        string text = "";
        model.Summary(s => text = s);
        Assert.Contains("conv2d_1 (Conv2D)", text);
        Assert.Contains("(None, 24, 24, 64)", text);
        Assert.Contains("18,496", text);
        Assert.Contains("max_pooling2d (MaxPooling2D)", text);
        Assert.Contains("Total params: 1,199,882", text);
    }

    [Theory]
    [InlineData("valid", 1, 1, 1, new[] { 8, 6 })]
    [InlineData("same", 1, 1, 1, new[] { 10, 8 })]
    [InlineData("same", 2, 2, 1, new[] { 5, 4 })]
    [InlineData("valid", 3, 2, 1, new[] { 3, 3 })]
    [InlineData("valid", 1, 1, 2, new[] { 6, 4 })]
    public void Conv2DOutputShapes(string padding, int sh, int sw, int dilation, int[] spatial)
    {
        var conv = new Conv2D(5, (3, 3), strides: (sh, sw), padding: padding, dilationRate: dilation);
        var y = conv.Apply(Random(1, -1, 1, 2, 10, 8, 3));
        Assert.Equal(new Shape(2, spatial[0], spatial[1], 5), y.Shape);
        Assert.Equal(new Shape(-1, spatial[0], spatial[1], 5), conv.ComputeOutputShape(new Shape(-1, 10, 8, 3)));
        Assert.Equal(new Shape(3, 3, 3, 5), conv.Kernel!.Shape);
        Assert.Equal(3 * 3 * 3 * 5 + 5, conv.CountParams());
    }

    [Fact]
    public void Conv1DAndPooling1DShapes()
    {
        var conv = new Conv1D(4, 3, padding: "causal", dilationRate: 2, activation: "tanh");
        Assert.Equal(new Shape(2, 9, 4), conv.Apply(Random(1, -1, 1, 2, 9, 3)).Shape);
        Assert.Equal(new Shape(3, 3, 4), conv.Kernel!.Shape);
        Assert.Equal(new Shape(2, 4, 3), new Conv1D(3, 3, strides: 2).Apply(Random(1, -1, 1, 2, 9, 3)).Shape);
        Assert.Equal(new Shape(2, 4, 3), new MaxPooling1D().Apply(Random(1, -1, 1, 2, 9, 3)).Shape);
        Assert.Equal(new Shape(2, 5, 3), new AveragePooling1D(padding: "same").Apply(Random(1, -1, 1, 2, 9, 3)).Shape);
        Assert.Equal(new Shape(2, 3), new GlobalMaxPooling1D().Apply(Random(1, -1, 1, 2, 9, 3)).Shape);
        Assert.Equal(new Shape(2, 1, 3), new GlobalAveragePooling1D(keepDims: true).Apply(Random(1, -1, 1, 2, 9, 3)).Shape);
    }

    [Fact]
    public void ConvolutionAndPoolingLayersHaveKerasNames()
    {
        var model = new Sequential([new InputLayer([8, 8, 2]), new Conv2D(2, 3), new AveragePooling2D(), new Conv2D(2, 1), new GlobalAveragePooling2D()]);
        Assert.Equal(["conv2d", "average_pooling2d", "conv2d_1", "global_average_pooling2d"], model.Layers.Select(l => l.Name));
    }

    [Fact]
    public void BadConfigurationsFailWithTheArgumentNamed()
    {
        Assert.Contains("filters", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(0, 3)).Message);
        Assert.Contains("strides", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(4, 3, strides: 0)).Message);
        Assert.Contains("strides", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(4, 3, strides: (1, -1))).Message);
        Assert.Contains("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1D(4, 0)).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, padding: "causal")).Message);
        Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, strides: 2, dilationRate: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPooling2D(0));
    }

    [Fact]
    public void KernelLargerThanTheInputWithValidPaddingNamesLayerAndShapes()
    {
        // A Sequential that starts with an Input builds each layer as it is added, so the error comes at construction, as in Keras.
        var e = Assert.Throws<ArgumentException>(() => new Sequential([new InputLayer([4, 4, 1]), new Conv2D(2, 5, name: "too_big")]));
        Assert.Contains("too_big", e.Message);
        Assert.Contains(", 4, 4, 1)", e.Message);
        Assert.Contains("same", e.Message);
        Assert.Contains("pool", Assert.Throws<ArgumentException>(() => new MaxPooling2D(3).Apply(Random(1, 0, 1, 1, 2, 2, 1))).Message);
    }

    [Fact]
    public void ThreeDimensionalInputIntoConv2DNamesLayerAndShape()
    {
        var conv = new Conv2D(2, 3, name: "c2");
        var e = Assert.Throws<ArgumentException>(() => conv.Apply(Random(1, 0, 1, 2, 28, 28)));
        Assert.Contains("\"c2\"", e.Message);
        Assert.Contains("expected ndim=4", e.Message);
        Assert.Contains(", 28, 28)", e.Message);
    }

    [Fact]
    public void ChannelCountChangedAfterBuildNamesLayerAndShapes()
    {
        var conv = new Conv2D(2, 3, name: "c3");
        conv.Apply(Random(1, 0, 1, 1, 5, 5, 3));
        var e = Assert.Throws<ArgumentException>(() => conv.Apply(Random(1, 0, 1, 1, 5, 5, 4)));
        Assert.Contains("\"c3\"", e.Message);
        Assert.Contains("value 3", e.Message);
        Assert.Contains("(1, 5, 5, 4)", e.Message);
    }

    [Fact]
    public void LayerGradientsThroughAModel()
    {
        // Every trainable weight of a small CNN gets a gradient matching finite differences.
        Config.SetRandomSeed(7);
        var conv = new Conv2D(2, (2, 3), padding: "same", activation: "tanh");
        var conv1 = new Conv1D(2, 2, padding: "causal");
        Check(t => new GlobalAveragePooling2D().Apply(conv.Apply(t[0])), [Random(1, -1, 1, 2, 4, 5, 2)], eps: 1e-2f);
        Check(t => conv1.Apply(t[0]), [Random(2, -1, 1, 2, 5, 3)], eps: 1e-2f);
    }
}
