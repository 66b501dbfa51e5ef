using SharpKeras.Initializers;
using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Normalization;

/// <summary>GroupNormalization, UnitNormalization and RMSNormalization against their definitions computed in double precision, with gradients and bad inputs.</summary>
public class GroupUnitRmsNormalizationTests
{
    private static void AssertClose(double[] expected, Tensor actual, double atol = 2e-5)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - expected[i]) <= atol, $"element {i}: {a[i]} versus {expected[i]}");
        }
    }

    // x viewed as (batch, before, channels, after); each group of channels is normalised over (before, its channels, after).
    private static double[] GroupNormReference(Tensor x, int axis, int groups, float[] gamma, float[] beta, double epsilon)
    {
        var s = x.Shape;
        int n = s[0], channels = s[axis], before = 1, after = 1;
        for (int i = 1; i < axis; i++)
        {
            before *= s[i];
        }
        for (int i = axis + 1; i < s.Rank; i++)
        {
            after *= s[i];
        }
        var xs = x.ToArray();
        var y = new double[xs.Length];
        int per = channels / groups;
        int At(int b, int p, int c, int q) => ((b * before + p) * channels + c) * after + q;
        for (int b = 0; b < n; b++)
        {
            for (int g = 0; g < groups; g++)
            {
                double sum = 0, count = 0;
                for (int p = 0; p < before; p++)
                {
                    for (int c = g * per; c < (g + 1) * per; c++)
                    {
                        for (int q = 0; q < after; q++)
                        {
                            sum += xs[At(b, p, c, q)];
                            count++;
                        }
                    }
                }
                double mean = sum / count, var = 0;
                for (int p = 0; p < before; p++)
                {
                    for (int c = g * per; c < (g + 1) * per; c++)
                    {
                        for (int q = 0; q < after; q++)
                        {
                            var += Math.Pow(xs[At(b, p, c, q)] - mean, 2);
                        }
                    }
                }
                var /= count;
                for (int p = 0; p < before; p++)
                {
                    for (int c = g * per; c < (g + 1) * per; c++)
                    {
                        for (int q = 0; q < after; q++)
                        {
                            int i = At(b, p, c, q);
                            y[i] = (xs[i] - mean) / Math.Sqrt(var + epsilon) * gamma[c] + beta[c];
                        }
                    }
                }
            }
        }
        return y;
    }

    [Theory]
    [InlineData(3, -1, new[] { 2, 5, 6 })]
    [InlineData(2, -1, new[] { 3, 4, 4, 6 })]
    [InlineData(1, -1, new[] { 2, 3, 4 })]
    [InlineData(-1, -1, new[] { 2, 3, 4 })]
    [InlineData(2, 1, new[] { 2, 4, 3, 2 })]
    public void GroupNormalizationMatchesItsDefinition(int groups, int axis, int[] shape)
    {
        var x = Random(1, -2, 3, shape);
        var layer = new GroupNormalization(groups, axis, epsilon: 1e-3, betaInitializer: new RandomNormal(0, 1, 5), gammaInitializer: new RandomNormal(1, 0.5, 6));
        var y = layer.Apply(x);
        int a = axis < 0 ? axis + shape.Length : axis;
        Assert.Equal(groups == -1 ? shape[a] : groups, layer.Groups);
        Assert.Equal(x.Shape, y.Shape);
        AssertClose(GroupNormReference(x, a, layer.Groups, layer.Gamma!.Value.ToArray(), layer.Beta!.Value.ToArray(), 1e-3), y);
    }

    [Fact]
    public void GroupNormalizationGradients()
    {
        var layer = new GroupNormalization(2, betaInitializer: new RandomNormal(0, 1, 5), gammaInitializer: new RandomNormal(1, 0.5, 6));
        var x = Random(2, -2, 2, 2, 3, 4);
        layer.Apply(x);
        Check(t => layer.Apply(t[0]), [x], rtol: 3e-2, atol: 3e-3);
        Check(t => layer.Apply(x), [layer.Gamma!.Value, layer.Beta!.Value]);
        var plain = new GroupNormalization(4, center: false, scale: false);
        Assert.Equal(x.Shape, plain.Apply(x).Shape);
        Assert.Empty(plain.Weights);
    }

    [Fact]
    public void GroupNormalizationBadInputs()
    {
        var e = Assert.Throws<ArgumentException>(() => new GroupNormalization(4, name: "gn").Apply(Tensor.Zeros(new Shape(2, 3, 6))));
        Assert.Contains("gn", e.Message);
        Assert.Contains("(4)", e.Message);
        Assert.Contains("(6)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GroupNormalization(8, name: "gn8").Apply(Tensor.Zeros(new Shape(2, 3, 6))));
        Assert.Contains("cannot be more than the number of channels (6)", e.Message);
        var layer = new GroupNormalization(2, name: "g2");
        layer.Apply(Tensor.Zeros(new Shape(2, 3, 6)));
        e = Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(2, 3, 8))));
        Assert.Contains("g2", e.Message);
        Assert.Contains("size 6", e.Message);
        Assert.Contains("(2, 3, 8)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization(0));
        e = Assert.Throws<ArgumentException>(() => new GroupNormalization(2, axis: 3).Apply(Tensor.Zeros(new Shape(2, 4))));
        Assert.Contains("axis 3", e.Message);
    }

    [Fact]
    public void UnitNormalizationIsXOverItsNorm()
    {
        var x = Random(3, -2, 2, 3, 4, 5).ToArray();
        Array.Clear(x, 5, 5); // sample 0, step 1 is all zeros: stays zeros, as Keras's clamped rsqrt
        var t = Tensor.FromArray(x, 3, 4, 5);
        var y = new UnitNormalization().Apply(t);
        var expected = new double[x.Length];
        for (int r = 0; r < 12; r++)
        {
            double norm = Math.Sqrt(Enumerable.Range(0, 5).Sum(c => (double)x[r * 5 + c] * x[r * 5 + c]));
            for (int c = 0; c < 5; c++)
            {
                expected[r * 5 + c] = norm == 0 ? 0 : x[r * 5 + c] / norm;
            }
        }
        AssertClose(expected, y);
        Assert.All(y.ToArray().AsSpan(5, 5).ToArray(), v => Assert.Equal(0f, v));

        // Over axes (1, 2): one norm per sample.
        var z = new UnitNormalization([1, 2]).Apply(t).ToArray();
        for (int b = 0; b < 3; b++)
        {
            double sq = z.Skip(b * 20).Take(20).Sum(v => (double)v * v);
            Assert.True(Math.Abs(sq - 1) < 1e-5, $"sample {b}: squared norm {sq}");
        }
        Check(u => new UnitNormalization().Apply(u[0]), [Random(4, 0.2f, 2, 2, 3)]);
        var e = Assert.Throws<ArgumentException>(() => new UnitNormalization(axis: 2, name: "un").Apply(Tensor.Zeros(new Shape(2, 3))));
        Assert.Contains("un", e.Message);
        Assert.Contains("(2, 3)", e.Message);
    }

    [Fact]
    public void RmsNormalizationMatchesItsDefinition()
    {
        var x = Random(5, -2, 2, 2, 3, 4);
        var layer = new RMSNormalization(epsilon: 1e-6);
        layer.Apply(x);
        Assert.Equal("scale", layer.Weights[0].Name.Split('/')[^1]);
        Assert.Equal(new Shape(4), layer.ScaleWeight!.Shape);
        layer.ScaleWeight.Assign(Tensor.FromArray(new[] { 0.5f, -1f, 2f, 1.5f }, 4));
        var y = layer.Apply(x);
        var xs = x.ToArray();
        var expected = new double[xs.Length];
        for (int r = 0; r < 6; r++)
        {
            double ms = Enumerable.Range(0, 4).Average(c => (double)xs[r * 4 + c] * xs[r * 4 + c]);
            for (int c = 0; c < 4; c++)
            {
                expected[r * 4 + c] = xs[r * 4 + c] / Math.Sqrt(ms + 1e-6) * new[] { 0.5, -1, 2, 1.5 }[c];
            }
        }
        AssertClose(expected, y);
        Check(t => layer.Apply(t[0]), [x]);
        Check(t => layer.Apply(x), [layer.ScaleWeight.Value]);
        var both = new RMSNormalization([1, 2]);
        both.Apply(x);
        Assert.Equal(new Shape(3, 4), both.ScaleWeight!.Shape);
        var e = Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(2, 3, 5))));
        Assert.Contains("(4)", e.Message);
        Assert.Contains("(2, 3, 5)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RMSNormalization(axis: 0, name: "rms").Apply(x));
        Assert.Contains("rms", e.Message);
    }
}
