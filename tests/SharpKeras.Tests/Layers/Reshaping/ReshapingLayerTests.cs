using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Reshaping;

/// <summary>Shapes, values and gradients of the reshaping layers (ZeroPadding2D, UpSampling2D, Permute, Reshape, Flatten).</summary>
public class ReshapingLayerTests
{
    [Fact]
    public void ReshapingLayersShapesAndGradients()
    {
        var x = Random(1, -1, 1, 2, 3, 4, 2);
        var pad = new ZeroPadding2D((1, 0), (2, 1));
        Assert.Equal(new Shape(2, 4, 7, 2), pad.Apply(x).Shape);
        Assert.Equal(new Shape(2, 5, 6, 2), new ZeroPadding2D().Apply(x).Shape);
        Check(t => pad.Apply(t[0]), [x]);
        var up = new UpSampling2D((2, 3));
        Assert.Equal(new Shape(2, 6, 12, 2), up.Apply(x).Shape);
        Assert.Equal(x[1, 2, 3, 1], up.Apply(x)[1, 5, 11, 1]);
        Check(t => up.Apply(t[0]), [x]);
        var permute = new Permute([3, 1, 2]);
        var p = permute.Apply(x);
        Assert.Equal(new Shape(2, 2, 3, 4), p.Shape);
        Assert.Equal(x[1, 2, 3, 0], p[1, 0, 2, 3]);
        Check(t => permute.Apply(t[0]), [x]);
        var reshape = new Reshape([-1, 2]);
        Assert.Equal(new Shape(2, 12, 2), reshape.Apply(x).Shape);
        Assert.Equal(new Shape(-1, 12, 2), reshape.ComputeOutputShape(new Shape(-1, 3, 4, 2)));
        Assert.Throws<ArgumentException>(() => new Reshape([5, 5]).Apply(x));
        Assert.Throws<ArgumentException>(() => new Permute([1, 1, 2]));
        Assert.Throws<NotSupportedException>(() => new UpSampling2D(2, "bicubic"));
    }

    [Fact]
    public void FlattenOutputShape()
    {
        var f = new Flatten();
        Assert.Equal(new Shape(-1, 784), f.ComputeOutputShape(new Shape(-1, 28, 28)));
        Assert.Equal(new Shape(2, 12), f.Apply(Tensor.Zeros(new Shape(2, 3, 4))).Shape);
    }
}
