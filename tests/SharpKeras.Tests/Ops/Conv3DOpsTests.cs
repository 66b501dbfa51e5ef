using SharpKeras.Backend;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Operations;

/// <summary>
/// The 3-D convolution, transposed convolution and pooling ops against hand-written loops of their
/// definitions (Keras's padding rules written out here, independently of the library's), against
/// Conv2D slice by slice, and their gradients against finite differences.
/// </summary>
public class Conv3DOpsTests
{
    private static (int Out, int Before) Axis(int size, int kernel, int stride, int dilation, string padding)
    {
        int effective = (kernel - 1) * dilation + 1;
        if (padding == "valid")
        {
            return ((size - effective) / stride + 1, 0);
        }
        int outSize = (size + stride - 1) / stride;
        return (outSize, Math.Max((outSize - 1) * stride + effective - size, 0) / 2);
    }

    /// <summary>y[n, o, f] = sum over taps t and the group's channels c of x[n, o * s + t * d - before, c] * k[t, c, f].</summary>
    private static double[] NaiveConv3D(Tensor x, Tensor k, int[] s, int[] d, string padding)
    {
        var xs = x.ToArray();
        var ks = k.ToArray();
        int n = x.Shape[0], cin = x.Shape[4], cg = k.Shape[3], filters = k.Shape[4], fg = filters / (cin / cg);
        var dims = new int[3];
        var before = new int[3];
        for (int i = 0; i < 3; i++)
        {
            (dims[i], before[i]) = Axis(x.Shape[1 + i], k.Shape[i], s[i], d[i], padding);
        }
        var y = new double[n * dims[0] * dims[1] * dims[2] * filters];
        for (int b = 0; b < n; b++)
        for (int od = 0; od < dims[0]; od++)
        for (int oh = 0; oh < dims[1]; oh++)
        for (int ow = 0; ow < dims[2]; ow++)
        for (int f = 0; f < filters; f++)
        {
            double sum = 0;
            for (int kd = 0; kd < k.Shape[0]; kd++)
            for (int kh = 0; kh < k.Shape[1]; kh++)
            for (int kw = 0; kw < k.Shape[2]; kw++)
            {
                int id = od * s[0] + kd * d[0] - before[0], ih = oh * s[1] + kh * d[1] - before[1], iw = ow * s[2] + kw * d[2] - before[2];
                if (id < 0 || id >= x.Shape[1] || ih < 0 || ih >= x.Shape[2] || iw < 0 || iw >= x.Shape[3])
                {
                    continue;
                }
                for (int c = 0; c < cg; c++)
                {
                    int ch = f / fg * cg + c;
                    sum += (double)xs[(((b * x.Shape[1] + id) * x.Shape[2] + ih) * x.Shape[3] + iw) * cin + ch]
                        * ks[((((kd * k.Shape[1] + kh) * k.Shape[2] + kw) * cg) + c) * filters + f];
                }
            }
            y[(((b * dims[0] + od) * dims[1] + oh) * dims[2] + ow) * filters + f] = sum;
        }
        return y;
    }

    /// <summary>
    /// Keras's transposed convolution as its JAX backend defines it: the input spread out by the
    /// stride, padded (left, right) by Keras's rule, correlated with the spatially flipped kernel.
    /// </summary>
    private static double[] NaiveConvTranspose3D(Tensor x, Tensor k, int[] s, int[] d, string padding, int[]? outputPadding, out int[] dims)
    {
        var xs = x.ToArray();
        var ks = k.ToArray();
        int n = x.Shape[0], cin = x.Shape[4], filters = k.Shape[3];
        dims = new int[3];
        var left = new int[3];
        var eff = new int[3];
        for (int i = 0; i < 3; i++)
        {
            eff[i] = (k.Shape[i] - 1) * d[i] + 1;
            int l, r;
            if (padding == "valid")
            {
                int op = outputPadding?[i] ?? Math.Max(eff[i], s[i]) - eff[i];
                (l, r) = (eff[i] - 1, eff[i] - 1 + op);
            }
            else
            {
                int padLength = outputPadding is { } o ? eff[i] + eff[i] % 2 - 2 + o[i] : s[i] + eff[i] - 2;
                l = Math.Min(padLength / 2 + padLength % 2, eff[i] - 1);
                r = padLength - l;
            }
            left[i] = l;
            dims[i] = (x.Shape[1 + i] - 1) * s[i] + 1 + l + r - eff[i] + 1;
        }
        // The spread and padded input at position p holds x[(p - left) / s] when that divides, else 0.
        double At(int b, int axis0, int axis1, int axis2, int c)
        {
            int[] p = [axis0 - left[0], axis1 - left[1], axis2 - left[2]];
            var idx = new int[3];
            for (int i = 0; i < 3; i++)
            {
                if (p[i] < 0 || p[i] % s[i] != 0 || p[i] / s[i] >= x.Shape[1 + i])
                {
                    return 0;
                }
                idx[i] = p[i] / s[i];
            }
            return xs[(((b * x.Shape[1] + idx[0]) * x.Shape[2] + idx[1]) * x.Shape[3] + idx[2]) * cin + c];
        }
        var y = new double[n * dims[0] * dims[1] * dims[2] * filters];
        for (int b = 0; b < n; b++)
        for (int o0 = 0; o0 < dims[0]; o0++)
        for (int o1 = 0; o1 < dims[1]; o1++)
        for (int o2 = 0; o2 < dims[2]; o2++)
        for (int f = 0; f < filters; f++)
        {
            double sum = 0;
            for (int t0 = 0; t0 < k.Shape[0]; t0++)
            for (int t1 = 0; t1 < k.Shape[1]; t1++)
            for (int t2 = 0; t2 < k.Shape[2]; t2++)
            for (int c = 0; c < cin; c++)
            {
                // Flipped kernel: tap t of the correlation reads kernel tap K - 1 - t.
                int f0 = k.Shape[0] - 1 - t0, f1 = k.Shape[1] - 1 - t1, f2 = k.Shape[2] - 1 - t2;
                sum += At(b, o0 + t0 * d[0], o1 + t1 * d[1], o2 + t2 * d[2], c) * ks[(((f0 * k.Shape[1] + f1) * k.Shape[2] + f2) * filters + f) * cin + c];
            }
            y[(((b * dims[0] + o0) * dims[1] + o1) * dims[2] + o2) * filters + f] = sum;
        }
        return y;
    }

    private static void AssertClose(double[] expected, Tensor actual, string what)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - expected[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"{what}: [{i}] {a[i]} versus {expected[i]}");
        }
    }

    [Theory]
    [InlineData(3, 1, 1, "valid", 1)]
    [InlineData(3, 2, 1, "same", 1)]
    [InlineData(2, 1, 2, "same", 1)]
    [InlineData(2, 2, 1, "valid", 2)]
    [InlineData(3, 1, 1, "same", 4)]
    public void ConvMatchesItsDefinition(int kernel, int stride, int dilation, string padding, int groups)
    {
        var x = Random(1, -1, 1, 2, 5, 6, 4, 4);
        var k = Random(2, -1, 1, kernel, kernel, kernel, 4 / groups, 4);
        var y = SharpKeras.Ops.Conv(x, k, stride, padding, dilation);
        AssertClose(NaiveConv3D(x, k, [stride, stride, stride], [dilation, dilation, dilation], padding), y, $"conv {kernel}/{stride}/{dilation}/{padding}/{groups}");
    }

    [Fact]
    public void ConvWithMixedSizesPerAxisMatchesItsDefinition()
    {
        var x = Random(3, -1, 1, 2, 4, 7, 6, 3);
        var k = Random(4, -1, 1, 1, 3, 2, 3, 5);
        int[] s = [1, 2, 3];
        var y = SharpKeras.Ops.Convolve3D(x, k, null, s, "same", [1, 1, 1], EpilogueActivation.None);
        AssertClose(NaiveConv3D(x, k, s, [1, 1, 1], "same"), y, "conv (1, 3, 2) kernel, strides (1, 2, 3)");
    }

    [Theory]
    [InlineData(3, 2, 1, "same", null)]
    [InlineData(3, 2, 1, "valid", null)]
    [InlineData(2, 2, 1, "same", null)]
    [InlineData(3, 1, 2, "valid", null)]
    [InlineData(3, 2, 1, "same", 1)]
    [InlineData(4, 3, 1, "valid", 2)]
    [InlineData(2, 2, 1, "same", 0)]
    public void ConvTransposeMatchesKerasDefinition(int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        var x = Random(5, -1, 1, 2, 3, 4, 2, 3);
        var k = Random(6, -1, 1, kernel, kernel, kernel, 2, 3);
        int[] s = [stride, stride, stride], d = [dilation, dilation, dilation];
        int[]? op = outputPadding is { } o ? [o, o, o] : null;
        var expected = NaiveConvTranspose3D(x, k, s, d, padding, op, out var dims);
        var y = SharpKeras.Ops.ConvolveTranspose3D(x, k, s, padding, op, d);
        Assert.Equal(new Shape(2, dims[0], dims[1], dims[2], 2), y.Shape);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(dims[i], SharpKeras.Ops.ConvTransposeOutputLength(x.Shape[1 + i], kernel, stride, dilation, padding, outputPadding));
        }
        AssertClose(expected, y, $"conv_transpose {kernel}/{stride}/{dilation}/{padding}/{outputPadding}");
    }

    [Fact]
    public void ConvWithADepthOneKernelIsConv2DOnEachDepthSlice()
    {
        int n = 2, depth = 3, h = 6, w = 5, c = 3, f = 4;
        var x = Random(7, -1, 1, n, depth, h, w, c);
        var k = Random(8, -1, 1, 1, 3, 3, c, f);
        var y = SharpKeras.Ops.Convolve3D(x, k, null, [1, 2, 2], "same", [1, 1, 1], EpilogueActivation.None);
        var k2 = SharpKeras.Ops.Reshape(k, 3, 3, c, f);
        var xs = x.ToArray();
        var ys = y.ToArray();
        int oh = y.Shape[2], ow = y.Shape[3];
        for (int dz = 0; dz < depth; dz++)
        {
            var slice = new float[n * h * w * c];
            for (int b = 0; b < n; b++)
            {
                Array.Copy(xs, (b * depth + dz) * h * w * c, slice, b * h * w * c, h * w * c);
            }
            var y2 = SharpKeras.Ops.Conv(Tensor.FromArray(slice, n, h, w, c), k2, 2, "same").ToArray();
            Assert.Equal(n * oh * ow * f, y2.Length);
            for (int b = 0; b < n; b++)
            {
                for (int i = 0; i < oh * ow * f; i++)
                {
                    float expected = y2[b * oh * ow * f + i], actual = ys[(b * depth + dz) * oh * ow * f + i];
                    Assert.True(Math.Abs(expected - actual) <= 1e-5f + 1e-5f * Math.Abs(expected), $"depth {dz} batch {b} [{i}]: conv3d {actual}, conv2d {expected}");
                }
            }
        }
    }

    [Fact]
    public void PoolingMatchesItsDefinition()
    {
        var x = Random(9, -1, 1, 2, 5, 4, 3, 3);
        foreach (var (pool, stride, padding) in new[] { (2, 2, "valid"), (3, 2, "same"), (2, 1, "same") })
        {
            var max = SharpKeras.Ops.MaxPool(x, pool, stride, padding);
            var avg = SharpKeras.Ops.AveragePool(x, pool, stride, padding);
            var xs = x.ToArray();
            var dims = new int[3];
            var before = new int[3];
            for (int i = 0; i < 3; i++)
            {
                (dims[i], before[i]) = Axis(x.Shape[1 + i], pool, stride, 1, padding);
            }
            Assert.Equal(new Shape(2, dims[0], dims[1], dims[2], 3), max.Shape);
            var maxExpected = new double[max.Length];
            var avgExpected = new double[max.Length];
            int r = 0;
            for (int b = 0; b < 2; b++)
            for (int o0 = 0; o0 < dims[0]; o0++)
            for (int o1 = 0; o1 < dims[1]; o1++)
            for (int o2 = 0; o2 < dims[2]; o2++)
            for (int c = 0; c < 3; c++, r++)
            {
                double best = double.NegativeInfinity, sum = 0;
                int count = 0;
                for (int t0 = 0; t0 < pool; t0++)
                for (int t1 = 0; t1 < pool; t1++)
                for (int t2 = 0; t2 < pool; t2++)
                {
                    int i0 = o0 * stride + t0 - before[0], i1 = o1 * stride + t1 - before[1], i2 = o2 * stride + t2 - before[2];
                    if (i0 < 0 || i0 >= 5 || i1 < 0 || i1 >= 4 || i2 < 0 || i2 >= 3)
                    {
                        continue;
                    }
                    float v = xs[(((b * 5 + i0) * 4 + i1) * 3 + i2) * 3 + c];
                    best = Math.Max(best, v);
                    sum += v;
                    count++;
                }
                maxExpected[r] = best;
                avgExpected[r] = sum / count;
            }
            AssertClose(maxExpected, max, $"max_pool {pool}/{stride}/{padding}");
            AssertClose(avgExpected, avg, $"average_pool {pool}/{stride}/{padding}");
        }
    }

    [Fact]
    public void ConvGradientsMatchFiniteDifferences()
    {
        var x = Random(10, -1, 1, 2, 4, 3, 4, 4);
        var k = Random(11, -0.5f, 0.5f, 2, 3, 2, 2, 4);
        var bias = Random(12, -0.5f, 0.5f, 4);
        // Two groups, a fused tanh and a bias, strides and "same" padding.
        Check(t => SharpKeras.Ops.Convolve3D(t[0], t[1], t[2], [2, 1, 2], "same", [1, 1, 1], EpilogueActivation.Tanh), [x, k, bias]);
        Check(t => SharpKeras.Ops.Conv(t[0], t[1], 1, "valid", 1), [x, Random(13, -0.5f, 0.5f, 2, 2, 2, 4, 3)]);
    }

    [Fact]
    public void ConvTransposeGradientsMatchFiniteDifferences()
    {
        var x = Random(14, -1, 1, 2, 2, 3, 2, 3);
        var k = Random(15, -0.5f, 0.5f, 3, 2, 3, 2, 3);
        Check(t => SharpKeras.Ops.ConvolveTranspose3D(t[0], t[1], [2, 2, 3], "same", [1, 0, 2], [1, 1, 1]), [x, k]);
        Check(t => SharpKeras.Ops.ConvTranspose(t[0], t[1], 1, "valid", 2), [x, k]);
    }

    [Fact]
    public void PoolingGradientsMatchFiniteDifferences()
    {
        // Distinct values 0.05 apart so that a finite-difference step never changes which input is the maximum.
        int size = 2 * 4 * 3 * 5 * 2;
        var order = Enumerable.Range(0, size).Select(i => i * 7919 % size).Select(i => (i - size / 2) * 0.05f).ToArray();
        var x = Tensor.FromArray(order, 2, 4, 3, 5, 2);
        Check(t => SharpKeras.Ops.MaxPool(t[0], 2, 1, "same"), [x]);
        Check(t => SharpKeras.Ops.AveragePool(t[0], 3, 2, "same"), [x]);
        Check(t => SharpKeras.Ops.AveragePool(t[0], 2, null, "valid"), [x]);
    }

    [Fact]
    public void BadArgumentsSayWhatWasExpected()
    {
        var x = Random(16, -1, 1, 1, 3, 3, 3, 4);
        var e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Conv(x, Random(1, -1, 1, 2, 2, 2, 3, 2)));
        Assert.Contains("4 channels", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Conv(x, Random(1, -1, 1, 4, 4, 4, 4, 2)));
        Assert.Contains("larger than the input 3x3x3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.MaxPool(x, 4));
        Assert.Contains("larger than the input 3x3x3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.ConvTranspose(x, Random(1, -1, 1, 2, 2, 2, 2, 3)));
        Assert.Contains("(kd, kh, kw, filters, channels)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.ConvolveTranspose3D(x, Random(1, -1, 1, 2, 2, 2, 2, 4), [2, 2, 2], "same", [1, 1], [1, 1, 1]));
        Assert.Contains("output_padding must be 3", e.Message, StringComparison.Ordinal);
    }
}
