using SharpKeras.Initializers;
using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Convolutional;

/// <summary>DepthwiseConv1D and SeparableConv1D against their sums written out (TensorFlow's "same" split), gradients, and bad inputs.</summary>
public class DepthwiseSeparableConv1DTests
{
    // y[b, o, c * dm + m] = sum_k x[b, o * s + k * d - before, c] * kernel[k, c, m].
    private static double[] Depthwise(Tensor x, Tensor kernel, int stride, int dilation, string padding, out int outLen)
    {
        int n = x.Shape[0], len = x.Shape[1], ch = x.Shape[2], k = kernel.Shape[0], dm = kernel.Shape[2];
        int effective = (k - 1) * dilation + 1;
        outLen = padding == "same" ? (len + stride - 1) / stride : (len - effective) / stride + 1;
        int before = padding == "same" ? Math.Max((outLen - 1) * stride + effective - len, 0) / 2 : 0;
        var xs = x.ToArray();
        var ks = kernel.ToArray();
        var y = new double[n * outLen * ch * dm];
        for (int b = 0; b < n; b++)
        {
            for (int o = 0; o < outLen; o++)
            {
                for (int kk = 0; kk < k; kk++)
                {
                    int t = o * stride + kk * dilation - before;
                    if (t < 0 || t >= len)
                    {
                        continue;
                    }
                    for (int c = 0; c < ch; c++)
                    {
                        for (int m = 0; m < dm; m++)
                        {
                            y[((b * outLen + o) * ch + c) * dm + m] += (double)xs[(b * len + t) * ch + c] * ks[(kk * ch + c) * dm + m];
                        }
                    }
                }
            }
        }
        return y;
    }

    private static void AssertClose(double[] expected, Tensor actual)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - expected[i]) < 1e-5, $"element {i}: {a[i]} versus {expected[i]}");
        }
    }

    [Theory]
    [InlineData(3, 1, 1, "same")]
    [InlineData(3, 2, 1, "valid")]
    [InlineData(2, 2, 1, "same")]
    [InlineData(2, 1, 2, "valid")]
    public void DepthwiseConv1DMatchesItsSum(int kernelSize, int stride, int dilation, string padding)
    {
        var x = Random(1, -1, 1, 2, 7, 3);
        var layer = new DepthwiseConv1D(kernelSize, strides: stride, padding: padding, depthMultiplier: 2, dilationRate: dilation, biasInitializer: new RandomNormal(0, 0.5, 2));
        var y = layer.Apply(x);
        Assert.Equal(new Shape(kernelSize, 3, 2), layer.Kernel!.Shape);
        var expected = Depthwise(x, layer.Kernel.Value, stride, dilation, padding, out int outLen);
        var bias = layer.Bias!.Value.ToArray();
        Assert.Equal(new Shape(2, outLen, 6), y.Shape);
        Assert.Equal(y.Shape, layer.ComputeOutputShape(x.Shape));
        AssertClose([.. expected.Select((v, i) => v + bias[i % 6])], y);
        Check(t => layer.Apply(t[0]), [x]);
        Check(t => layer.Apply(x), [layer.Kernel.Value]);
    }

    [Fact]
    public void SeparableConv1DIsDepthwiseThenPointwise()
    {
        var x = Random(3, -1, 1, 2, 6, 2);
        var layer = new SeparableConv1D(4, 3, strides: 2, padding: "same", depthMultiplier: 2, biasInitializer: new RandomNormal(0, 0.5, 4));
        var y = layer.Apply(x);
        Assert.Equal(new Shape(3, 2, 2), layer.DepthwiseKernel!.Shape);
        Assert.Equal(new Shape(1, 4, 4), layer.PointwiseKernel!.Shape);
        var dw = Depthwise(x, layer.DepthwiseKernel.Value, 2, 1, "same", out int outLen);
        var p = layer.PointwiseKernel.Value.ToArray();
        var bias = layer.Bias!.Value.ToArray();
        var expected = new double[2 * outLen * 4];
        for (int r = 0; r < 2 * outLen; r++)
        {
            for (int f = 0; f < 4; f++)
            {
                double sum = bias[f];
                for (int j = 0; j < 4; j++)
                {
                    sum += dw[r * 4 + j] * p[j * 4 + f];
                }
                expected[r * 4 + f] = sum;
            }
        }
        Assert.Equal(new Shape(2, 3, 4), y.Shape);
        AssertClose(expected, y);
        Check(t => layer.Apply(t[0]), [x]);
        Check(t => layer.Apply(x), [layer.DepthwiseKernel.Value, layer.PointwiseKernel.Value]);
    }

    [Fact]
    public void BadInputsNameTheLayerAndTheShapes()
    {
        var dw = new DepthwiseConv1D(3, name: "dw1");
        var e = Assert.Throws<ArgumentException>(() => dw.Apply(Tensor.Zeros(new Shape(1, 5, 5, 2))));
        Assert.Contains("dw1", e.Message);
        Assert.Contains("expected ndim=3", e.Message);
        dw.Apply(Tensor.Zeros(new Shape(1, 5, 2)));
        e = Assert.Throws<ArgumentException>(() => dw.Apply(Tensor.Zeros(new Shape(1, 5, 3))));
        Assert.Contains("value 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SeparableConv1D(2, 4, name: "sep").Apply(Tensor.Zeros(new Shape(1, 3, 2))));
        Assert.Contains("sep", e.Message);
        Assert.Contains("larger than the input size 3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DepthwiseConv1D(3, depthMultiplier: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeparableConv1D(0, 3));
    }
}
