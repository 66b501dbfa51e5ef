using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Convolutional;

/// <summary>DepthwiseConv2D, SeparableConv2D and Conv2DTranspose: Keras's weight shapes, parameter counts, output shapes and gradients.</summary>
public class DepthwiseSeparableTransposeLayerTests
{
    [Fact]
    public void DepthwiseConv2DShapesAndParameters()
    {
        var layer = new DepthwiseConv2D(3, depthMultiplier: 2, activation: "relu");
        Assert.Equal(new Shape(2, 6, 6, 6), layer.Apply(Random(1, -1, 1, 2, 8, 8, 3)).Shape);
        Assert.Equal(new Shape(3, 3, 3, 2), layer.Kernel!.Shape);
        Assert.Equal(60, layer.CountParams());
        Assert.Equal(new Shape(-1, 4, 4, 6), new DepthwiseConv2D(3, strides: 2, padding: "same", depthMultiplier: 2).ComputeOutputShape(new Shape(-1, 8, 8, 3)));
        Assert.Equal("depthwise_conv2d", DefaultName<DepthwiseConv2D>());
        Assert.Throws<ArgumentException>(() => layer.Apply(Random(1, -1, 1, 2, 8, 8, 4)));
    }

    [Fact]
    public void SeparableConv2DShapesParametersAndGradients()
    {
        var layer = new SeparableConv2D(4, 3, padding: "same", activation: "tanh");
        var x = Random(1, -1, 1, 2, 5, 5, 3);
        Assert.Equal(new Shape(2, 5, 5, 4), layer.Apply(x).Shape);
        Assert.Equal(new Shape(3, 3, 3, 1), layer.DepthwiseKernel!.Shape);
        Assert.Equal(new Shape(1, 1, 3, 4), layer.PointwiseKernel!.Shape);
        Assert.Equal(27 + 12 + 4, layer.CountParams());
        Assert.Equal(["depthwise_kernel", "pointwise_kernel", "bias"], layer.Weights.Select(w => w.Name));
        Assert.Equal("separable_conv2d", DefaultName<SeparableConv2D>());
        Check(t => layer.Apply(t[0]), [x], eps: 1e-2f);
    }

    [Theory]
    [InlineData("valid", 2, 11)]
    [InlineData("same", 2, 10)]
    [InlineData("valid", 1, 7)]
    [InlineData("valid", 4, 20)]
    public void Conv2DTransposeShapesAndParameters(string padding, int stride, int size)
    {
        var layer = new Conv2DTranspose(4, 3, strides: stride, padding: padding);
        Assert.Equal(new Shape(2, size, size, 4), layer.Apply(Random(1, -1, 1, 2, 5, 5, 3)).Shape);
        Assert.Equal(new Shape(-1, size, size, 4), layer.ComputeOutputShape(new Shape(-1, 5, 5, 3)));
        Assert.Equal(new Shape(3, 3, 4, 3), layer.Kernel!.Shape);
        Assert.Equal(3 * 3 * 4 * 3 + 4, layer.CountParams());
        Assert.Equal("conv2d_transpose", DefaultName<Conv2DTranspose>());
    }

    [Fact]
    public void Conv2DTransposeGradientsThroughTheLayer()
    {
        var layer = new Conv2DTranspose(2, (2, 3), strides: 2, padding: "same", activation: "sigmoid");
        Check(t => layer.Apply(t[0]), [Random(1, -1, 1, 2, 3, 3, 2)], eps: 1e-2f);
    }

    [Fact]
    public void BadInputsNameTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => new SeparableConv2D(2, 3, name: "sep").Apply(Random(1, -1, 1, 2, 8, 8)));
        Assert.Contains("\"sep\"", e.Message);
        Assert.Contains("expected ndim=4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DepthwiseConv2D(3, depthMultiplier: 0));
        var big = Assert.Throws<ArgumentException>(() => new DepthwiseConv2D(5, name: "dw").Apply(Random(1, -1, 1, 1, 3, 3, 1)));
        Assert.Contains("\"dw\"", big.Message);
    }

    private static string DefaultName<T>() where T : Layer => Layer.ToSnakeCase(typeof(T).Name);
}
