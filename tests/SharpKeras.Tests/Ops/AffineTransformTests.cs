namespace SharpKeras.Tests.Operations;

/// <summary>Keras's ops.image.affine_transform: hand-computed values for each fill mode and interpolation, the projective terms, data formats, gradient and bad input.</summary>
public class AffineTransformTests
{
    // x[i, j] = 3 i + j + 1 on a 3x3 one-channel image: 1 2 3 / 4 5 6 / 7 8 9.
    private static Tensor Image() => Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 3, 3, 1);

    private static Tensor Shift(float dx, float dy) => Tensor.FromArray([1, 0, dx, 0, 1, dy, 0, 0], 8);

    private static float[] Row(Tensor y, int i) => [y[0, i, 0, 0], y[0, i, 1, 0], y[0, i, 2, 0]];

    [Theory]
    [InlineData("constant", new float[] { 10, 10, 1 })]
    [InlineData("nearest", new float[] { 1, 1, 1 })]
    [InlineData("wrap", new float[] { 2, 3, 1 })]
    [InlineData("reflect", new float[] { 2, 1, 1 })]
    public void NearestReadsOutsideByFillMode(string fillMode, float[] expected)
    {
        // Column j reads column j - 2: (-2, -1, 0).
        var y = SharpKeras.Ops.AffineTransform(Image(), Shift(-2, 0), "nearest", fillMode, fillValue: 10);
        Assert.Equal(expected, Row(y, 0));
    }

    [Theory]
    [InlineData("constant", new float[] { 5.5f, 1.5f, 2.5f })]
    [InlineData("nearest", new float[] { 1, 1.5f, 2.5f })]
    [InlineData("wrap", new float[] { 2, 1.5f, 2.5f })]
    [InlineData("reflect", new float[] { 1, 1.5f, 2.5f })]
    public void BilinearWeighsTheFillModesTaps(string fillMode, float[] expected)
    {
        // Column j reads j - 0.5: half of column j - 1 (outside for j = 0) and half of column j.
        var y = SharpKeras.Ops.AffineTransform(Image(), Shift(-0.5f, 0), "bilinear", fillMode, fillValue: 10);
        Assert.Equal(expected, Row(y, 0));
    }

    [Fact]
    public void BilinearInterpolatesInBothAxesAndFillsPartialTaps()
    {
        var y = SharpKeras.Ops.AffineTransform(Image(), Shift(0.25f, 0.5f), fillValue: 10);
        // Inside, a linear image is reproduced exactly: 3 * 0.5 + 0.25 + 1.
        Assert.Equal(2.75f, y[0, 0, 0, 0], 6);
        // (2.5, 2.25): 0.375 of pixel (2, 2) = 9, the other 0.625 from outside.
        Assert.Equal(0.375f * 9 + 0.625f * 10, y[0, 2, 2, 0], 5);
    }

    [Fact]
    public void NearestRoundsHalfToEven()
    {
        // Columns 0.5, 1.5, 2.5 round to 0, 2, 2 (torch.round, as Keras's torch backend).
        var y = SharpKeras.Ops.AffineTransform(Image(), Shift(0.5f, 0), "nearest");
        Assert.Equal([1f, 3f, 3f], Row(y, 0));
    }

    [Fact]
    public void ProjectiveTermsDivideAndPointsAtInfinityFill()
    {
        // k = j + 1: (row, column) = (i, j) / (j + 1); at (2, 1) that is (1, 0.5), nearest (1, 0) = 4.
        var y = SharpKeras.Ops.AffineTransform(Image(), Tensor.FromArray([1, 0, 0, 0, 1, 0, 1, 0], 8), "nearest", "nearest");
        Assert.Equal(4f, y[0, 2, 1, 0]);
        // k = 1 - j is 0 in column 1: the fill value whatever the mode, as TensorFlow.
        var inf = SharpKeras.Ops.AffineTransform(Image(), Tensor.FromArray([1, 0, 0, 0, 1, 0, -1, 0], 8), "nearest", "nearest", fillValue: 7);
        Assert.All(new[] { inf[0, 0, 1, 0], inf[0, 1, 1, 0], inf[0, 2, 1, 0] }, v => Assert.Equal(7f, v));
        Assert.Equal(1f, inf[0, 0, 0, 0]);
    }

    [Fact]
    public void OneTransformPerImageAndDataFormatsAgree()
    {
        var x = GradCheck.Random(3, 0, 1, 2, 5, 6, 3);
        var t = Tensor.FromArray([0.9f, 0.2f, 0.5f, -0.1f, 1.1f, -0.3f, 0, 0, 1, 0, 1, 0, 1, -1, 0, 0], 2, 8);
        var y = SharpKeras.Ops.AffineTransform(x, t, fillMode: "reflect");
        var first = SharpKeras.Ops.AffineTransform(x.Slice(0, 1), t.Slice(0, 1), fillMode: "reflect");
        Assert.Equal(first.ToArray(), y.Slice(0, 1).ToArray());
        // Second image: column j reads j + 1, row i reads i - 1 (reflect: row -1 is row 0).
        Assert.Equal(x[1, 0, 2, 1], y[1, 0, 1, 1]);
        Assert.Equal(x[1, 2, 4, 0], y[1, 3, 3, 0]);
        var cf = SharpKeras.Ops.AffineTransform(SharpKeras.Ops.Transpose(x, 0, 3, 1, 2), t, fillMode: "reflect", dataFormat: "channels_first");
        Assert.Equal(y.ToArray(), SharpKeras.Ops.Transpose(cf, 0, 2, 3, 1).ToArray());
        var single = SharpKeras.Ops.AffineTransform(x.Slice(1, 1).Reshape(5, 6, 3), t.Slice(1, 1).Reshape(8), fillMode: "reflect");
        Assert.Equal(y.Slice(1, 1).ToArray(), single.ToArray());
    }

    [Theory]
    [InlineData("bilinear", "reflect")]
    [InlineData("bilinear", "constant")]
    [InlineData("nearest", "wrap")]
    public void GradientMatchesFiniteDifferences(string interpolation, string fillMode)
    {
        var x = GradCheck.Random(4, -1, 1, 2, 4, 5, 2);
        var t = Tensor.FromArray([0.8f, 0.3f, 0.4f, -0.2f, 0.9f, 0.7f, 0, 0, 1.2f, 0, -0.6f, 0, 1.1f, 0.35f, 0, 0], 2, 8);
        GradCheck.Check(xs => SharpKeras.Ops.AffineTransform(xs[0], t, interpolation, fillMode, fillValue: 0.5), [x]);
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        var x = Tensor.Zeros(new Shape(2, 4, 4, 1));
        Assert.Contains("interpolation", Assert.Throws<ArgumentException>(() => SharpKeras.Ops.AffineTransform(x, Shift(0, 0), "bicubic")).Message);
        Assert.Contains("\"mirror\"", Assert.Throws<ArgumentException>(() => SharpKeras.Ops.AffineTransform(x, Shift(0, 0), fillMode: "mirror")).Message);
        var shape = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.AffineTransform(x, Tensor.Zeros(new Shape(3, 8))));
        Assert.Contains("(2, 8)", shape.Message);
        Assert.Contains("(3, 8)", shape.Message);
        Assert.Contains("rank 2", Assert.Throws<ArgumentException>(() => SharpKeras.Ops.AffineTransform(Tensor.Zeros(new Shape(4, 4)), Shift(0, 0))).Message);
    }
}
