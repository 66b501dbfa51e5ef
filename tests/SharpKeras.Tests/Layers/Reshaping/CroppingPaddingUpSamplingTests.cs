using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Reshaping;

/// <summary>
/// Cropping1D/2D/3D, ZeroPadding1D/3D and UpSampling1D/3D against NumPy's slicing, np.pad and
/// np.repeat written out as loops; their gradients by finite differences; bad shapes named.
/// </summary>
public class CroppingPaddingUpSamplingTests
{
    // x[b, i0, i1, ..., c] of a row-major channels_last tensor.
    private static int Flat(int[] dims, params int[] index)
    {
        int o = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            o = o * dims[i] + index[i];
        }
        return o;
    }

    [Fact]
    public void Cropping1DIsASliceOfTheStepAxis()
    {
        var x = Random(1, -1, 1, 2, 7, 3);
        var y = new Cropping1D((1, 2)).Apply(x);
        Assert.Equal(new Shape(2, 4, 3), y.Shape);
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int b = 0; b < 2; b++)
        {
            for (int t = 0; t < 4; t++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(xs[Flat([2, 7, 3], b, t + 1, c)], ys[Flat([2, 4, 3], b, t, c)]);
                }
            }
        }
        Assert.Equal(new Shape(2, 5, 3), new Cropping1D().Apply(x).Shape);
        Check(t => new Cropping1D((2, 0)).Apply(t[0]), [x]);
    }

    [Fact]
    public void Cropping2DIsASliceOfRowsAndColumns()
    {
        var x = Random(2, -1, 1, 2, 9, 11, 2);
        var y = new Cropping2D((1, 0), (2, 1)).Apply(x);
        Assert.Equal(new Shape(2, 8, 8, 2), y.Shape);
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int b = 0; b < 2; b++)
        {
            for (int i = 0; i < 8; i++)
            {
                for (int j = 0; j < 8; j++)
                {
                    for (int c = 0; c < 2; c++)
                    {
                        Assert.Equal(xs[Flat([2, 9, 11, 2], b, i + 1, j + 2, c)], ys[Flat([2, 8, 8, 2], b, i, j, c)]);
                    }
                }
            }
        }
        Assert.Equal(new Shape(2, 5, 7, 2), new Cropping2D((2, 2)).Apply(x).Shape);
        Assert.Equal(x.ToArray(), new Cropping2D().Apply(x).ToArray());
        Check(t => new Cropping2D((0, 1), (1, 2)).Apply(t[0]), [Random(3, -1, 1, 1, 4, 5, 2)]);
    }

    [Fact]
    public void Cropping3DAndZeroPadding3DInvertEachOther()
    {
        var x = Random(4, -1, 1, 2, 3, 4, 5, 2);
        var pad = new ZeroPadding3D((1, 0), (2, 1), (0, 3));
        var p = pad.Apply(x);
        Assert.Equal(new Shape(2, 4, 7, 8, 2), p.Shape);
        var xs = x.ToArray();
        var ps = p.ToArray();
        int[] pd = [2, 4, 7, 8, 2];
        double inside = 0;
        for (int b = 0; b < 2; b++)
        {
            for (int d = 0; d < 4; d++)
            {
                for (int i = 0; i < 7; i++)
                {
                    for (int j = 0; j < 8; j++)
                    {
                        for (int c = 0; c < 2; c++)
                        {
                            int sd = d - 1, si = i - 2, sj = j;
                            bool within = sd >= 0 && sd < 3 && si >= 0 && si < 4 && sj < 5;
                            float expected = within ? xs[Flat([2, 3, 4, 5, 2], b, sd, si, sj, c)] : 0f;
                            Assert.Equal(expected, ps[Flat(pd, b, d, i, j, c)]);
                            inside += within ? 1 : 0;
                        }
                    }
                }
            }
        }
        Assert.Equal(x.Length, inside);
        var back = new Cropping3D((1, 0), (2, 1), (0, 3)).Apply(p);
        Assert.Equal(x.ToArray(), back.ToArray());
        Assert.Equal(new Shape(2, 5, 6, 7, 2), new ZeroPadding3D().Apply(x).Shape);
        Assert.Equal(new Shape(2, 1, 2, 3, 2), new Cropping3D().Apply(x).Shape);
        var small = Random(5, -1, 1, 1, 3, 3, 4, 1);
        Check(t => pad.Apply(t[0]), [small]);
        Check(t => new Cropping3D((1, 1), (0, 1), (2, 1)).Apply(t[0]), [small]);
    }

    [Fact]
    public void ZeroPadding1DIsNpPadOfTheStepAxis()
    {
        var x = Random(6, -1, 1, 2, 4, 3);
        var y = new ZeroPadding1D((2, 1)).Apply(x);
        Assert.Equal(new Shape(2, 7, 3), y.Shape);
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int b = 0; b < 2; b++)
        {
            for (int t = 0; t < 7; t++)
            {
                for (int c = 0; c < 3; c++)
                {
                    float expected = t >= 2 && t < 6 ? xs[Flat([2, 4, 3], b, t - 2, c)] : 0f;
                    Assert.Equal(expected, ys[Flat([2, 7, 3], b, t, c)]);
                }
            }
        }
        Assert.Equal(new Shape(2, 6, 3), new ZeroPadding1D().Apply(x).Shape);
        Check(t => new ZeroPadding1D((1, 3)).Apply(t[0]), [x]);
    }

    [Fact]
    public void UpSampling1DAnd3DAreNpRepeat()
    {
        var x = Random(7, -1, 1, 2, 3, 2);
        var y = new UpSampling1D(3).Apply(x);
        Assert.Equal(new Shape(2, 9, 2), y.Shape);
        for (int b = 0; b < 2; b++)
        {
            for (int t = 0; t < 9; t++)
            {
                for (int c = 0; c < 2; c++)
                {
                    Assert.Equal(x[b, t / 3, c], y[b, t, c]);
                }
            }
        }
        Check(t => new UpSampling1D(2).Apply(t[0]), [x]);

        var v = Random(8, -1, 1, 2, 2, 3, 2, 2);
        var u = new UpSampling3D((2, 1, 3)).Apply(v);
        Assert.Equal(new Shape(2, 4, 3, 6, 2), u.Shape);
        for (int b = 0; b < 2; b++)
        {
            for (int d = 0; d < 4; d++)
            {
                for (int i = 0; i < 3; i++)
                {
                    for (int j = 0; j < 6; j++)
                    {
                        for (int c = 0; c < 2; c++)
                        {
                            Assert.Equal(v[b, d / 2, i, j / 3, c], u[b, d, i, j, c]);
                        }
                    }
                }
            }
        }
        Assert.Equal(new Shape(2, 4, 6, 4, 2), new UpSampling3D().Apply(v).Shape);
        Check(t => new UpSampling3D((2, 2, 1)).Apply(t[0]), [Random(9, -1, 1, 1, 2, 2, 2, 1)]);
    }

    [Fact]
    public void SymbolicShapesKeepUnknownDimensions()
    {
        Assert.Equal(new Shape(-1, -1, 3), new Cropping1D((1, 2)).ComputeOutputShape(new Shape(-1, -1, 3)));
        Assert.Equal(new Shape(-1, 17, 6), new Cropping1D((1, 2)).ComputeOutputShape(new Shape(-1, 20, 6)));
        Assert.Equal(new Shape(-1, 20, 6), new ZeroPadding1D((2, 1)).ComputeOutputShape(new Shape(-1, 17, 6)));
        Assert.Equal(new Shape(-1, 40, 6), new UpSampling1D(2).ComputeOutputShape(new Shape(-1, 20, 6)));
        Assert.Equal(new Shape(-1, 8, 8, 6), new Cropping2D((1, 0), (2, 1)).ComputeOutputShape(new Shape(-1, 9, 11, 6)));
        Assert.Equal(new Shape(-1, -1, 6, 8, 1), new UpSampling3D(2).ComputeOutputShape(new Shape(-1, -1, 3, 4, 1)));
    }

    [Fact]
    public void BadInputsNameTheLayerAndTheShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Cropping1D((3, 2), name: "crop").Apply(Tensor.Zeros(new Shape(1, 5, 2))));
        Assert.Contains("crop", e.Message);
        Assert.Contains("(3, 2)", e.Message);
        Assert.Contains("(1, 5, 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Cropping2D((1, 0), (2, 1), name: "c2").Apply(Tensor.Zeros(new Shape(1, 9, 6))));
        Assert.Contains("c2", e.Message);
        Assert.Contains("expected ndim=4", e.Message);
        Assert.Contains("found ndim=3", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Cropping2D((4, 4), (0, 0)).Apply(Tensor.Zeros(new Shape(1, 8, 3, 1))));
        Assert.Contains("spatial axis 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ZeroPadding1D(name: "zp1").Apply(Tensor.Zeros(new Shape(2, 3))));
        Assert.Contains("zp1", e.Message);
        Assert.Contains("expected ndim=3", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ZeroPadding3D().Apply(Tensor.Zeros(new Shape(1, 2, 2, 2))));
        Assert.Contains("expected ndim=5", e.Message);
        e = Assert.Throws<ArgumentException>(() => new UpSampling1D(name: "up1").Apply(Tensor.Zeros(new Shape(1, 2, 2, 2))));
        Assert.Contains("up1", e.Message);
        e = Assert.Throws<ArgumentException>(() => new UpSampling3D().Apply(Tensor.Zeros(new Shape(1, 2, 2))));
        Assert.Contains("(batch, depth, height, width, channels)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cropping1D((-1, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZeroPadding3D(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpSampling1D(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpSampling3D((1, 0, 1)));
    }
}

/// <summary>UpSampling2D with "bilinear" interpolation: half-pixel centres as Keras's ops.image.resize (torch's interpolate, align_corners=False).</summary>
public class UpSampling2DBilinearTests
{
    [Fact]
    public void HandComputedValues()
    {
        // [0, 1] doubled: sources 0 (clamped from -0.25), 0.25, 0.75 and 1.25 (past the edge: the last input).
        var y = new UpSampling2D((1, 2), "bilinear").Apply(Tensor.FromArray(new[] { 0f, 1f }, 1, 1, 2, 1));
        Assert.Equal([0f, 0.25f, 0.75f, 1f], y.ToArray());
        // [0, 3, 6] tripled: sources (o + 0.5) / 3 - 0.5 = 0 (clamped), 0, 1/3, 2/3, 1, 4/3, 5/3, 2, 7/3.
        var z = new UpSampling2D((3, 1), "bilinear").Apply(Tensor.FromArray(new[] { 0f, 3f, 6f }, 1, 3, 1, 1)).ToArray();
        float[] expected = [0f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 6f];
        for (int i = 0; i < 9; i++)
        {
            Assert.True(Math.Abs(expected[i] - z[i]) < 1e-5, $"element {i}: {z[i]} versus {expected[i]}");
        }
    }

    [Fact]
    public void SeparableInRowsAndColumnsAndDifferentiable()
    {
        var x = Random(1, -1, 1, 2, 3, 4, 2);
        var layer = new UpSampling2D((2, 3), "bilinear");
        var y = layer.Apply(x);
        Assert.Equal(new Shape(2, 6, 12, 2), y.Shape);
        // Bilinear = rows then columns: the two one-axis resizes in either order give the same image.
        var rowsFirst = new UpSampling2D((1, 3), "bilinear").Apply(new UpSampling2D((2, 1), "bilinear").Apply(x)).ToArray();
        var ys = y.ToArray();
        for (int i = 0; i < ys.Length; i++)
        {
            Assert.True(Math.Abs(ys[i] - rowsFirst[i]) < 1e-5, $"element {i}");
        }
        // A constant image stays constant.
        Assert.All(layer.Apply(Tensor.Full(new Shape(1, 3, 4, 1), 2.5f)).ToArray(), v => Assert.True(Math.Abs(v - 2.5f) < 1e-6));
        Check(t => layer.Apply(t[0]), [Random(2, -1, 1, 1, 2, 3, 2)]);
        Assert.Equal("bilinear", UpSampling2D.FromConfig(layer.GetConfig()).Interpolation);
    }
}
