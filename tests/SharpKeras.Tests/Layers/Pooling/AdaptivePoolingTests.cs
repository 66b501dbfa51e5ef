using System.Text.Json.Nodes;
using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Pooling;

/// <summary>AdaptiveAveragePooling1D/2D and AdaptiveMaxPooling1D/2D: Keras's bins, channels_first, gradients, configs and bad input.</summary>
public class AdaptivePoolingTests
{
    // The mean or max of x (batch, h, w, c) over rows [floor(i*h/oh), ceil((i+1)*h/oh)) and the same for columns, as Keras defines the bins.
    private static float[] Naive(Tensor x, int oh, int ow, bool max)
    {
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        var y = new float[n * oh * ow * c];
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < oh; i++)
            {
                int y0 = i * h / oh, y1 = (int)Math.Ceiling((i + 1) * (double)h / oh);
                for (int j = 0; j < ow; j++)
                {
                    int x0 = j * w / ow, x1 = (int)Math.Ceiling((j + 1) * (double)w / ow);
                    for (int ch = 0; ch < c; ch++)
                    {
                        var values = new List<float>();
                        for (int r = y0; r < y1; r++)
                        {
                            for (int q = x0; q < x1; q++)
                            {
                                values.Add(x[b, r, q, ch]);
                            }
                        }
                        y[(((b * oh) + i) * ow + j) * c + ch] = max ? values.Max() : (float)values.Average(v => (double)v);
                    }
                }
            }
        }
        return y;
    }

    private static void Close(float[] expected, Tensor actual)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - a[i]) <= 1e-5, $"[{i}]: expected {expected[i]}, got {a[i]}");
        }
    }

    [Fact]
    public void OneDimensionalBinsOverlapAsKerasDefinesThem()
    {
        // Length 5 into 3 bins: [0, 2), [1, 4), [3, 5).
        var x = Tensor.FromArray(new float[] { 1, 4, -2, 8, 3 }, 1, 5, 1);
        Close([2.5f, 10f / 3f, 5.5f], new AdaptiveAveragePooling1D(3).Apply(x));
        Assert.Equal([4f, 8f, 8f], new AdaptiveMaxPooling1D(3).Apply(x).ToArray());
        var r = Random(1, -1, 1, 2, 7, 3);
        var y = new AdaptiveAveragePooling1D(4).Apply(r);
        Assert.Equal(new Shape(2, 4, 3), y.Shape);
        Close(Naive(Ops.Reshape(r, 2, 1, 7, 3), 1, 4, max: false), y);
        Close(Naive(Ops.Reshape(r, 2, 1, 7, 3), 1, 4, max: true), new AdaptiveMaxPooling1D(4).Apply(r));
        // More bins than steps: every bin still covers at least one step.
        Close(Naive(Ops.Reshape(r, 2, 1, 7, 3), 1, 10, max: true), new AdaptiveMaxPooling1D(10).Apply(r));
    }

    [Fact]
    public void TwoDimensionalBinsMatchTheDefinitionInBothLayouts()
    {
        var x = Random(2, -1, 1, 2, 7, 5, 3);
        foreach (bool max in new[] { false, true })
        {
            Layer layer = max ? new AdaptiveMaxPooling2D((3, 4)) : new AdaptiveAveragePooling2D((3, 4));
            var y = layer.Apply(x);
            Assert.Equal(new Shape(2, 3, 4, 3), y.Shape);
            Close(Naive(x, 3, 4, max), y);
            Layer first = max ? new AdaptiveMaxPooling2D((3, 4), "channels_first") : new AdaptiveAveragePooling2D((3, 4), "channels_first");
            var yf = first.Apply(Ops.Transpose(x, 0, 3, 1, 2));
            Assert.Equal(new Shape(2, 3, 3, 4), yf.Shape);
            Close(y.ToArray(), Ops.Transpose(yf, 0, 2, 3, 1));
        }
        Close(Naive(x, 2, 2, max: false), new AdaptiveAveragePooling2D(2).Apply(x));
        Assert.Equal(new Shape(-1, 4, 3, 6), new AdaptiveMaxPooling2D((4, 3)).ComputeOutputShape(new Shape(-1, -1, -1, 6)));
        Assert.Equal(new Shape(-1, 6, 4), new AdaptiveAveragePooling1D(4, "channels_first").ComputeOutputShape(new Shape(-1, 6, 9)));
    }

    // Distinct values 0.05 apart in a scrambled order (the step is coprime with the size), so that no
    // finite-difference nudge of 0.01 changes which element of a bin is the maximum.
    private static Tensor Spaced(int step, params int[] shape)
    {
        int size = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.FromArray(Enumerable.Range(0, size).Select(i => (i * step % size * 0.05f) - 1f).ToArray(), shape);
    }

    [Fact]
    public void OpsHaveGradients()
    {
        Check(t => Ops.AdaptiveAveragePool(t[0], [2, 3]), [Random(3, -1, 1, 2, 5, 4, 3)]);
        Check(t => Ops.AdaptiveMaxPool(t[0], [2, 3]), [Spaced(37, 2, 5, 4, 3)]);
        Check(t => Ops.AdaptiveAveragePool(t[0], 3), [Random(5, -1, 1, 2, 7, 2)]);
        Check(t => Ops.AdaptiveMaxPool(t[0], 3, "channels_first"), [Spaced(11, 2, 2, 7)]);
        Check(t => Ops.AdaptiveAveragePool(t[0], [3, 2], "channels_first"), [Random(7, -1, 1, 1, 2, 4, 5)]);
    }

    [Fact]
    public void ConfigsRoundTrip()
    {
        Layer[] layers =
        [
            new AdaptiveAveragePooling1D(5, name: "a1"), new AdaptiveMaxPooling1D(2, "channels_first", "m1"),
            new AdaptiveAveragePooling2D((3, 4), "channels_first", "a2"), new AdaptiveMaxPooling2D(7, name: "m2"),
        ];
        foreach (var layer in layers)
        {
            var config = layer.GetConfig();
            var again = SharpKeras.Saving.KerasSerializer.Layer(SharpKeras.Saving.KerasSerializer.Serialize(layer));
            Assert.Equal(layer.GetType(), again.GetType());
            Assert.Equal(config.ToJsonString(), again.GetConfig().ToJsonString());
        }
        Assert.Equal("[3,4]", layers[2].GetConfig()["output_size"]!.ToJsonString());
        Assert.Equal("channels_first", (string?)layers[2].GetConfig()["data_format"]);
        // Keras accepts an int for output_size.
        var fromInt = AdaptiveMaxPooling2D.FromConfig(new JsonObject { ["name"] = "p", ["output_size"] = 3, ["data_format"] = "channels_last" });
        Assert.Equal([3, 3], fromInt.OutputSize);
    }

    [Fact]
    public void BadInputIsRefusedWithTheLayerAndTheExpectedShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new AdaptiveAveragePooling2D(2, name: "ap").Apply(Tensor.Zeros(new Shape(2, 5, 3))));
        Assert.Contains("ap", e.Message);
        Assert.Contains("expected ndim=4", e.Message);
        var e1 = Assert.Throws<ArgumentException>(() => new AdaptiveMaxPooling1D(2, name: "mp").Apply(Tensor.Zeros(new Shape(2, 5, 3, 1))));
        Assert.Contains("mp", e1.Message);
        Assert.Contains("expected ndim=3", e1.Message);
        Assert.Contains("positive", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveMaxPooling2D((0, 2))).Message);
        Assert.Contains("channels_first", Assert.Throws<ArgumentException>(() => new AdaptiveMaxPooling1D(2, "nhwc")).Message);
        Assert.Contains("output_size must have 2 entries", Assert.Throws<ArgumentException>(() => Ops.AdaptiveMaxPool(Tensor.Zeros(new Shape(1, 4, 4, 1)), [1, 2, 3])).Message);
    }
}
