using SharpKeras.Initializers;
using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Convolutional;

/// <summary>Conv1DTranspose against the scatter definition of a transposed convolution (TensorFlow's padding), its gradients and its bad inputs.</summary>
public class Conv1DTransposeTests
{
    // y[b, t * s + k * d - before, f] += x[b, t, c] * kernel[k, f, c], with Keras's output length and "same" padding split (total // 2 before).
    private static float[] Reference(Tensor x, Tensor kernel, float[] bias, int stride, int dilation, string padding)
    {
        int n = x.Shape[0], len = x.Shape[1], cin = x.Shape[2], k = kernel.Shape[0], filters = kernel.Shape[1];
        int effective = (k - 1) * dilation + 1;
        int outLen = padding == "same" ? len * stride : len * stride + Math.Max(effective - stride, 0);
        int full = (len - 1) * stride + effective;
        int before = padding == "same" ? Math.Max(full - outLen, 0) / 2 : 0;
        var xs = x.ToArray();
        var ks = kernel.ToArray();
        var y = new double[n * outLen * filters];
        for (int b = 0; b < n; b++)
        {
            for (int t = 0; t < len; t++)
            {
                for (int kk = 0; kk < k; kk++)
                {
                    int o = t * stride + kk * dilation - before;
                    if (o < 0 || o >= outLen)
                    {
                        continue;
                    }
                    for (int f = 0; f < filters; f++)
                    {
                        for (int c = 0; c < cin; c++)
                        {
                            y[(b * outLen + o) * filters + f] += (double)xs[(b * len + t) * cin + c] * ks[(kk * filters + f) * cin + c];
                        }
                    }
                }
            }
        }
        return [.. y.Select((v, i) => (float)(v + bias[i % filters]))];
    }

    [Theory]
    [InlineData(4, 2, 1, "same")]
    [InlineData(4, 2, 1, "valid")]
    [InlineData(3, 1, 1, "same")]
    [InlineData(3, 3, 1, "valid")]
    [InlineData(2, 1, 2, "valid")]
    [InlineData(5, 2, 1, "same")]
    public void MatchesTheScatterDefinition(int kernelSize, int stride, int dilation, string padding)
    {
        var x = Random(1, -1, 1, 2, 5, 3);
        var layer = new Conv1DTranspose(4, kernelSize, strides: stride, padding: padding, dilationRate: dilation,
            kernelInitializer: new RandomNormal(0, 0.5, 3), biasInitializer: new RandomNormal(0, 0.5, 4));
        var y = layer.Apply(x);
        Assert.Equal(new Shape(kernelSize, 4, 3), layer.Kernel!.Shape);
        var expected = Reference(x, layer.Kernel.Value, layer.Bias!.Value.ToArray(), stride, dilation, padding);
        Assert.Equal(layer.ComputeOutputShape(x.Shape), y.Shape);
        Assert.Equal(expected.Length, y.Length);
        var ys = y.ToArray();
        for (int i = 0; i < ys.Length; i++)
        {
            Assert.True(Math.Abs(ys[i] - expected[i]) < 1e-5, $"element {i}: {ys[i]} versus {expected[i]}");
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var layer = new Conv1DTranspose(3, 4, strides: 2, padding: "same", activation: "tanh");
        var x = Random(2, -1, 1, 2, 4, 2);
        layer.Apply(x);
        Check(t => layer.Apply(t[0]), [x]);
        var kernel = layer.Kernel!.Value;
        Check(t =>
        {
            var s = x.Shape;
            var y = SharpKeras.Ops.ConvolveTranspose(SharpKeras.Ops.Reshape(x, s[0], 1, s[1], s[2]), SharpKeras.Ops.Reshape(t[0], 1, 4, 3, 2), [1, 2], "same", [1, 1]);
            return y;
        }, [kernel]);
    }

    [Fact]
    public void OutputShapesFollowKeras()
    {
        Assert.Equal(new Shape(-1, 20, 6), new Conv1DTranspose(6, 4, strides: 2, padding: "same").ComputeOutputShape(new Shape(-1, 10, 4)));
        Assert.Equal(new Shape(-1, 22, 6), new Conv1DTranspose(6, 4, strides: 2).ComputeOutputShape(new Shape(-1, 10, 4)));
        Assert.Equal(new Shape(-1, -1, 6), new Conv1DTranspose(6, 4, strides: 2).ComputeOutputShape(new Shape(-1, -1, 4)));
    }

    [Fact]
    public void BadInputsNameTheLayerAndTheShapes()
    {
        var layer = new Conv1DTranspose(2, 3, name: "up");
        var e = Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(1, 4, 4, 2))));
        Assert.Contains("\"up\"", e.Message);
        Assert.Contains("expected ndim=3", e.Message);
        layer.Apply(Tensor.Zeros(new Shape(1, 4, 2)));
        e = Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(1, 4, 5))));
        Assert.Contains("value 2", e.Message);
        Assert.Contains("(1, 4, 5)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1DTranspose(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1DTranspose(2, 3, strides: 0));
        Assert.Throws<ArgumentException>(() => new Conv1DTranspose(2, 3, padding: "causal"));
    }
}
