using SharpKeras;
using SharpKeras.Backend;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Operations;

/// <summary>Convolution and pooling ops against direct loops, and their gradients against finite differences.</summary>
public class ConvolutionOpsTests
{
    /// <summary>The output shape of a direct NHWC convolution and the padding before each spatial axis, with Keras's split (the smaller half before).</summary>
    private static (Shape Shape, int PadTop, int PadLeft) Geometry(Shape xShape, Shape kShape, int sh, int sw, string padding, int dh, int dw)
    {
        int h = xShape[1], w = xShape[2], kh = kShape[0], kw = kShape[1];
        int effH = (kh - 1) * dh + 1, effW = (kw - 1) * dw + 1;
        int oh, ow, pt, pl;
        if (padding == "same")
        {
            oh = (h + sh - 1) / sh;
            ow = (w + sw - 1) / sw;
            pt = Math.Max((oh - 1) * sh + effH - h, 0) / 2;
            pl = Math.Max((ow - 1) * sw + effW - w, 0) / 2;
        }
        else if (padding == "causal")
        {
            oh = (h - effH) / sh + 1;
            ow = (w - 1) / sw + 1;
            pt = 0;
            pl = effW - 1;
        }
        else
        {
            oh = (h - effH) / sh + 1;
            ow = (w - effW) / sw + 1;
            pt = pl = 0;
        }
        return (new Shape(xShape[0], oh, ow, kShape[3]), pt, pl);
    }

    /// <summary>
    /// Every product of a direct NHWC convolution: calls <paramref name="tap"/>(input index, kernel
    /// index, output index) for each input value that a kernel entry multiplies into an output.
    /// </summary>
    private static void ForEachTap(Shape xShape, Shape kShape, int sh, int sw, string padding, int dh, int dw, Action<int, int, int> tap)
    {
        var (shape, pt, pl) = Geometry(xShape, kShape, sh, sw, padding, dh, dw);
        int n = xShape[0], h = xShape[1], w = xShape[2], c = xShape[3], kh = kShape[0], kw = kShape[1], f = kShape[3];
        int oh = shape[1], ow = shape[2];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        for (int a = 0; a < kh; a++)
        for (int e = 0; e < kw; e++)
        {
            int iy = i * sh - pt + a * dh, ix = j * sw - pl + e * dw;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
            {
                continue;
            }
            for (int ch = 0; ch < c; ch++)
            for (int o = 0; o < f; o++)
            {
                tap(((b * h + iy) * w + ix) * c + ch, ((a * kw + e) * c + ch) * f + o, ((b * oh + i) * ow + j) * f + o);
            }
        }
    }

    /// <summary>Direct NHWC convolution in double.</summary>
    private static float[] NaiveConv(Tensor x, Tensor k, int sh, int sw, string padding, int dh, int dw, out Shape shape)
    {
        var xs = x.ToArray();
        var ks = k.ToArray();
        shape = Geometry(x.Shape, k.Shape, sh, sw, padding, dh, dw).Shape;
        var acc = new double[shape.Size];
        ForEachTap(x.Shape, k.Shape, sh, sw, padding, dh, dw, (xi, ki, yi) => acc[yi] += (double)xs[xi] * ks[ki]);
        return [.. acc.Select(v => (float)v)];
    }

    public static TheoryData<int, int, int, int, int, int, string, int, int> Conv2DCases => new()
    {
        // h, w, kh, kw, sh, sw, padding, dh, dw
        { 5, 6, 3, 3, 1, 1, "valid", 1, 1 },
        { 5, 6, 2, 2, 1, 1, "same", 1, 1 },
        { 7, 6, 4, 4, 2, 2, "same", 1, 1 },
        { 7, 8, 3, 2, 2, 1, "valid", 1, 1 },
        { 7, 7, 3, 3, 1, 1, "valid", 2, 2 },
        { 6, 7, 3, 2, 1, 1, "same", 2, 3 },
        { 4, 5, 1, 1, 1, 1, "valid", 1, 1 },
        { 5, 5, 1, 1, 2, 2, "same", 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Conv2DCases))]
    public void Conv2DMatchesDirectLoops(int h, int w, int kh, int kw, int sh, int sw, string padding, int dh, int dw)
    {
        var x = Random(1, -1, 1, 2, h, w, 3);
        var k = Random(2, -1, 1, kh, kw, 3, 4);
        var expected = NaiveConv(x, k, sh, sw, padding, dh, dw, out var shape);
        var y = SharpKeras.Ops.Convolve(x, k, null, [sh, sw], padding, [dh, dw], EpilogueActivation.None);
        Assert.Equal(shape, y.Shape);
        var actual = y.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>
    /// Large enough that the batch is lowered in several chunks of images and both threads take part:
    /// forward and both gradients against direct loops in double.
    /// </summary>
    [Theory]
    [InlineData(64, 64, 16, 3, 3, 1, 1, "same", 1, 1)]
    [InlineData(27, 23, 7, 4, 3, 2, 1, "same", 1, 2)]
    [InlineData(26, 26, 7, 3, 3, 1, 1, "valid", 2, 2)]
    public void Conv2DOverSeveralChunksMatchesDirectLoops(int h, int w, int c, int kh, int kw, int sh, int sw, string padding, int dh, int dw)
    {
        const int batch = 5, f = 5;
        var x = Random(21, -1, 1, batch, h, w, c);
        var k = Random(22, -1, 1, kh, kw, c, f);
        var expected = NaiveConv(x, k, sh, sw, padding, dh, dw, out var shape);
        Tensor y;
        Tensor?[] grads;
        var weight = Random(23, -1, 1, shape.ToArray());
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            tape.Watch(k);
            y = SharpKeras.Ops.Convolve(x, k, null, [sh, sw], padding, [dh, dw], EpilogueActivation.None);
            grads = tape.Gradient(SharpKeras.Ops.Sum(SharpKeras.Ops.Multiply(y, weight)), [x, k]);
        }
        Assert.Equal(shape, y.Shape);
        Assert.Equal(expected, y.ToArray(), (a, b) => Math.Abs(a - b) < 1e-4);

        // The adjoint of the direct loop: every product sends r * k to dx and r * x to dk.
        var xs = x.ToArray();
        var ks = k.ToArray();
        var rs = weight.ToArray();
        var dx = new double[xs.Length];
        var dk = new double[ks.Length];
        ForEachTap(x.Shape, k.Shape, sh, sw, padding, dh, dw, (xi, ki, yi) =>
        {
            dx[xi] += (double)rs[yi] * ks[ki];
            dk[ki] += (double)rs[yi] * xs[xi];
        });
        Assert.Equal(dx, grads[0]!.ToArray().Select(v => (double)v), (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.Equal(dk, grads[1]!.ToArray().Select(v => (double)v), (a, b) => Math.Abs(a - b) < 1e-3 * (1 + Math.Abs(a)));
    }

    [Theory]
    [MemberData(nameof(Conv2DCases))]
    public void Conv2DGradients(int h, int w, int kh, int kw, int sh, int sw, string padding, int dh, int dw) =>
        Check(t => SharpKeras.Ops.Convolve(t[0], t[1], t[2], [sh, sw], padding, [dh, dw], EpilogueActivation.None),
            [Random(1, -1, 1, 2, h, w, 2), Random(2, -1, 1, kh, kw, 2, 3), Random(3, -1, 1, 3)], eps: 1e-2f);

    [Fact]
    public void Conv2DFusedReluGradients()
    {
        // The first seed whose outputs all sit well away from relu's kink (the finite-difference step moves them by < 0.005).
        var b = Tensor.FromArray(new float[] { 0.3f, -0.2f, 0.05f }, 3);
        Tensor x = null!, k = null!;
        for (int seed = 0; seed < 100; seed++)
        {
            x = Random(10 + seed, 0.1f, 1, 2, 5, 5, 2);
            k = Random(500 + seed, -1, 1, 3, 3, 2, 3);
            var y = SharpKeras.Ops.Convolve(x, k, b, [1, 1], "same", [1, 1], EpilogueActivation.None).ToArray();
            if (y.All(v => Math.Abs(v) > 0.02f) && y.Any(v => v < 0))
            {
                break;
            }
            Assert.True(seed < 99, "no seed gave outputs away from the relu kink");
        }
        Check(t => SharpKeras.Ops.Convolve(t[0], t[1], t[2], [1, 1], "same", [1, 1], EpilogueActivation.Relu), [x, k, b], eps: 2e-3f);
    }

    [Theory]
    [InlineData(9, 3, 1, "valid", 1)]
    [InlineData(9, 4, 2, "same", 1)]
    [InlineData(10, 3, 1, "causal", 2)]
    [InlineData(8, 2, 1, "causal", 1)]
    public void Conv1DMatchesDirectLoopsAndGradients(int length, int kernel, int stride, string padding, int dilation)
    {
        var x = Random(1, -1, 1, 2, length, 3);
        var k = Random(2, -1, 1, kernel, 3, 2);
        var expected = NaiveConv(x.Reshape(2, 1, length, 3), k.Reshape(1, kernel, 3, 2), 1, stride, padding, 1, dilation, out var shape);
        var y = SharpKeras.Ops.Convolve(x, k, null, [stride], padding, [dilation], EpilogueActivation.None);
        Assert.Equal(new Shape(2, shape[2], 2), y.Shape);
        var actual = y.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
        Check(t => SharpKeras.Ops.Convolve(t[0], t[1], null, [stride], padding, [dilation], EpilogueActivation.None), [x, k]);
    }

    [Fact]
    public void PublicConvOpMatchesKerasSignature()
    {
        var x = Random(1, -1, 1, 1, 6, 6, 2);
        var k = Random(2, -1, 1, 3, 3, 2, 5);
        Assert.Equal(new Shape(1, 3, 3, 5), SharpKeras.Ops.Conv(x, k, strides: 2, padding: "same").Shape);
        Assert.Equal(new Shape(1, 2, 2, 5), SharpKeras.Ops.Conv(x, k, dilationRate: 2).Shape);
        Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Conv(x, k, padding: "full"));
        Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Conv(Random(1, -1, 1, 1, 2, 2, 2), k));
    }

    [Fact]
    public void ChunkedConvolutionGivesTheSameGradientsAsOneImageAtATime()
    {
        // One image's im2col matrix exceeds the scratch budget, so the batch runs in chunks of one
        // image and the kernel gradient is accumulated over chunks.
        const int c = 144;
        Assert.True(32 * 32 * 9 * c > Window2D.ScratchFloats / 2);
        var x = Random(7, -1, 1, 3, 32, 32, c);
        var k = Random(8, -0.1f, 0.1f, 3, 3, c, 4);
        var weight = Random(9, -1, 1, 3, 32, 32, 4);
        (float[] Dk, float[] Dx) Grads(Tensor input, Tensor wgt)
        {
            using var tape = new GradientTape();
            tape.Watch(input);
            tape.Watch(k);
            var y = SharpKeras.Ops.Convolve(input, k, null, [1, 1], "same", [1, 1], EpilogueActivation.None);
            var g = tape.Gradient(SharpKeras.Ops.Sum(SharpKeras.Ops.Multiply(y, wgt)), [input, k]);
            return (g[1]!.ToArray(), g[0]!.ToArray());
        }
        var (dk, dx) = Grads(x, weight);
        var dkSum = new double[dk.Length];
        for (int i = 0; i < 3; i++)
        {
            var (dki, dxi) = Grads(x.Slice(i, 1).Clone(), weight.Slice(i, 1).Clone());
            for (int j = 0; j < dk.Length; j++)
            {
                dkSum[j] += dki[j];
            }
            for (int j = 0; j < dxi.Length; j++)
            {
                Assert.Equal(dxi[j], dx[i * dxi.Length + j], 1e-4f);
            }
        }
        for (int j = 0; j < dk.Length; j++)
        {
            Assert.Equal(dkSum[j], dk[j], 1e-2);
        }
    }

    /// <summary>Direct pooling with Keras's windows: max over, or mean of, the window positions inside the input.</summary>
    private static float[] NaivePool(Tensor x, int ph, int pw, int sh, int sw, string padding, bool max, out Shape shape)
    {
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        var (oh, pt) = Window2D.Axis(h, ph, sh, 1, padding);
        var (ow, pl) = Window2D.Axis(w, pw, sw, 1, padding);
        shape = new Shape(n, oh, ow, c);
        var xs = x.ToArray();
        var y = new float[n * oh * ow * c];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        for (int ch = 0; ch < c; ch++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            int count = 0;
            for (int a = 0; a < ph; a++)
            for (int e = 0; e < pw; e++)
            {
                int iy = i * sh - pt + a, ix = j * sw - pl + e;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                {
                    continue;
                }
                double v = xs[((b * h + iy) * w + ix) * c + ch];
                acc = max ? Math.Max(acc, v) : acc + v;
                count++;
            }
            y[((b * oh + i) * ow + j) * c + ch] = (float)(max ? acc : acc / count);
        }
        return y;
    }

    [Theory]
    [InlineData(6, 6, 2, 2, 2, 2, "valid", true)]
    [InlineData(7, 5, 3, 2, 2, 1, "same", true)]
    [InlineData(5, 5, 2, 2, 1, 1, "same", true)]
    [InlineData(6, 6, 2, 2, 2, 2, "valid", false)]
    [InlineData(7, 5, 3, 3, 2, 2, "same", false)]
    [InlineData(5, 6, 2, 3, 1, 2, "same", false)]
    public void PoolingMatchesDirectLoopsAndGradients(int h, int w, int ph, int pw, int sh, int sw, string padding, bool max)
    {
        // Distinct values, so that each window's maximum is unique and the max gradient is defined.
        var x = Random(3, -1, 1, 2, h, w, 3);
        var values = x.ToArray();
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var xs = x.Span;
        for (int r = 0; r < order.Length; r++)
        {
            xs[order[r]] = -1f + 2f * r / order.Length;
        }
        var expected = NaivePool(x, ph, pw, sh, sw, padding, max, out var shape);
        var y = SharpKeras.Ops.Pool(x, [ph, pw], [sh, sw], padding, max);
        Assert.Equal(shape, y.Shape);
        Assert.Equal(expected, y.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        Check(t => SharpKeras.Ops.Pool(t[0], [ph, pw], [sh, sw], padding, max), [x], eps: 1e-3f);
    }

    /// <summary>Channels wider than a SIMD vector (19 = two vectors and a tail), forward against direct loops and the gradient routed to each maximum.</summary>
    [Theory]
    [InlineData(6, 6, 2, 2, 2, 2, "valid")]
    [InlineData(7, 5, 3, 3, 2, 1, "same")]
    public void MaxPoolOverWideChannelsMatchesDirectLoops(int h, int w, int ph, int pw, int sh, int sw, string padding)
    {
        var x = Random(31, -1, 1, 2, h, w, 19);
        var expected = NaivePool(x, ph, pw, sh, sw, padding, max: true, out var shape);
        var weight = Random(32, -1, 1, shape.ToArray());
        Tensor y;
        Tensor? g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            y = SharpKeras.Ops.Pool(x, [ph, pw], [sh, sw], padding, max: true);
            g = tape.Gradient(SharpKeras.Ops.Sum(SharpKeras.Ops.Multiply(y, weight)), [x])[0];
        }
        Assert.Equal(expected, y.ToArray());
        // Each output's weight lands on the input equal to its maximum in that window (values are distinct).
        var xs = x.ToArray();
        var ys = y.ToArray();
        var rs = weight.ToArray();
        var want = new float[xs.Length];
        for (int o = 0; o < ys.Length; o++)
        {
            int at = Array.IndexOf(xs, ys[o]);
            want[at] += rs[o];
        }
        Assert.Equal(want, g!.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void MaxPoolTiesSendTheGradientToTheFirstMaximum()
    {
        // A constant image: every window ties, and Keras's (TensorFlow's) max pool picks the first position.
        var x = Tensor.FromArray(Enumerable.Repeat(0.5f, 4 * 4 * 9).ToArray(), 1, 4, 4, 9);
        Tensor? g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            var y = SharpKeras.Ops.Pool(x, [2, 2], [2, 2], "valid", max: true);
            g = tape.Gradient(SharpKeras.Ops.Sum(y), [x])[0];
        }
        var gs = g!.ToArray();
        for (int iy = 0; iy < 4; iy++)
        for (int ix = 0; ix < 4; ix++)
        for (int ch = 0; ch < 9; ch++)
        {
            Assert.Equal(iy % 2 == 0 && ix % 2 == 0 ? 1f : 0f, gs[(iy * 4 + ix) * 9 + ch]);
        }
    }

    [Fact]
    public void PublicPoolOpsDefaultStridesToThePoolSize()
    {
        var x = Random(1, -1, 1, 1, 6, 6, 2);
        Assert.Equal(new Shape(1, 3, 3, 2), SharpKeras.Ops.MaxPool(x, 2).Shape);
        Assert.Equal(new Shape(1, 2, 2, 2), SharpKeras.Ops.AveragePool(x, 3).Shape);
        Assert.Equal(new Shape(1, 6, 6, 2), SharpKeras.Ops.MaxPool(x, 3, strides: 1, padding: "same").Shape);
        Assert.Equal(new Shape(1, 3, 2), SharpKeras.Ops.MaxPool(Random(1, -1, 1, 1, 7, 2), 2).Shape);
        Assert.Throws<ArgumentException>(() => SharpKeras.Ops.MaxPool(x, 7));
    }
}

/// <summary>Depthwise and transposed convolution against definitions and finite differences.</summary>
public class DepthwiseAndTransposedConvolutionTests
{
    public static TheoryData<int, int, string, int> Cases => new()
    {
        // kernel, stride, padding, dilation
        { 3, 1, "valid", 1 },
        { 2, 1, "same", 1 },
        { 3, 2, "same", 1 },
        { 4, 2, "valid", 1 },
        { 3, 1, "same", 2 },
        { 1, 3, "valid", 1 },
        // Stride and dilation together: every case runs every assertion, none is skipped.
        { 3, 2, "same", 2 },
        { 2, 2, "valid", 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DepthwiseEqualsOneConvolutionPerChannelAndHasGradients(int k, int s, string padding, int d)
    {
        var x = Random(1, -1, 1, 2, 7, 6, 3);
        var kernel = Random(2, -1, 1, k, k, 3, 2);
        var y = SharpKeras.Ops.DepthwiseConvolve(x, kernel, [s, s], padding, [d, d]);
        var xs = x.ToArray();
        var ks = kernel.ToArray();
        for (int c = 0; c < 3; c++)
        {
            // Channel c alone through an ordinary convolution with its 2 kernels.
            var xc = Tensor.FromArray(Enumerable.Range(0, xs.Length / 3).Select(i => xs[i * 3 + c]).ToArray(), 2, 7, 6, 1);
            var kc = Tensor.FromArray(Enumerable.Range(0, k * k).SelectMany(t => new[] { ks[(t * 3 + c) * 2], ks[(t * 3 + c) * 2 + 1] }).ToArray(), k, k, 1, 2);
            var yc = SharpKeras.Ops.Convolve(xc, kc, null, [s, s], padding, [d, d], EpilogueActivation.None);
            Assert.Equal(new Shape(yc.Shape[0], yc.Shape[1], yc.Shape[2], 6), y.Shape);
            var ycs = yc.ToArray();
            var ys = y.ToArray();
            for (int p = 0; p < ycs.Length / 2; p++)
            {
                for (int m = 0; m < 2; m++)
                {
                    Assert.Equal(ycs[p * 2 + m], ys[p * 6 + c * 2 + m], 1e-5f);
                }
            }
        }
        Check(t => SharpKeras.Ops.DepthwiseConvolve(t[0], t[1], [s, s], padding, [d, d]), [Random(3, -1, 1, 2, 5, 6, 2), Random(4, -1, 1, k, k, 2, 2)]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TransposedConvolutionIsTheAdjointOfConvolutionAndHasGradients(int k, int s, string padding, int d)
    {
        var x = Random(1, -1, 1, 2, 4, 3, 3);
        var kernel = Random(2, -1, 1, k, k, 2, 3);
        var y = SharpKeras.Ops.ConvolveTranspose(x, kernel, [s, s], padding, [d, d]);
        int eff = (k - 1) * d + 1;
        int Length(int n) => padding == "same" ? n * s : n * s + Math.Max(eff - s, 0);
        Assert.Equal(new Shape(2, Length(4), Length(3), 2), y.Shape);
        // <conv_transpose(x), v> == <x, conv(v)> for any v of the output's shape.
        var v = Random(3, -1, 1, y.Shape.ToArray());
        var cv = SharpKeras.Ops.Convolve(v, kernel, null, [s, s], padding, [d, d], EpilogueActivation.None);
        Assert.Equal(x.Shape, cv.Shape);
        double left = y.ToArray().Zip(v.ToArray(), (a, b) => (double)a * b).Sum();
        double right = x.ToArray().Zip(cv.ToArray(), (a, b) => (double)a * b).Sum();
        Assert.Equal(right, left, 1e-3);
        Check(t => SharpKeras.Ops.ConvolveTranspose(t[0], t[1], [s, s], padding, [d, d]), [Random(4, -1, 1, 1, 3, 3, 2), Random(5, -1, 1, k, k, 2, 2)]);
    }
}
