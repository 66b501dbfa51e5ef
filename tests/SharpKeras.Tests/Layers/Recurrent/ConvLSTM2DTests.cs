using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Recurrent;

/// <summary>ConvLSTM2D: a hand-computed step, a plain-loop reference, gradients, configs, files, summary and bad input.</summary>
public sealed class ConvLSTM2DTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-convlstm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    [Fact]
    public void OneStepMatchesTheLstmEquationsByHand()
    {
        // One pixel, one channel, one filter, a 1x1 kernel: each gate is x * k_gate + bias_gate.
        var layer = new ConvLSTM2D(1, 1);
        var x = Tensor.FromArray(new float[] { 2f }, 1, 1, 1, 1, 1);
        layer.EnsureBuilt(x.Shape);
        layer.Weights[0].Assign(Tensor.FromArray(new float[] { 0.5f, -0.3f, 0.8f, 0.2f }, 1, 1, 1, 4));
        // unit_forget_bias: the forget gate's bias starts at 1, the others at 0.
        Assert.Equal([0f, 1f, 0f, 0f], layer.Weights[2].Value.ToArray());
        double i = Sigmoid(1.0), f = Sigmoid(-0.6 + 1), g = Math.Tanh(1.6), o = Sigmoid(0.4);
        double c = (f * 0) + (i * g);
        var (y, states) = layer.Apply(x, null);
        Assert.Equal(o * Math.Tanh(c), y.Item(), 6);
        Assert.Equal(c, states[1].Item(), 6);
        Assert.Equal(new Shape(1, 1, 1, 1), y.Shape);
    }

    // The layer computed with plain loops in double: NHWC convolutions with TF's "same" padding.
    private static double[] Conv(double[] x, int n, int h, int w, int cin, Tensor kernel, int sh, int sw, int dh, int dw, bool same, out int oh, out int ow)
    {
        int kh = kernel.Shape[0], kw = kernel.Shape[1], cout = kernel.Shape[3];
        var k = kernel.ToArray();
        oh = same ? (h + sh - 1) / sh : ((h - ((kh - 1) * dh) - 1) / sh) + 1;
        ow = same ? (w + sw - 1) / sw : ((w - ((kw - 1) * dw) - 1) / sw) + 1;
        int padTop = same ? Math.Max(((oh - 1) * sh) + ((kh - 1) * dh) + 1 - h, 0) / 2 : 0;
        int padLeft = same ? Math.Max(((ow - 1) * sw) + ((kw - 1) * dw) + 1 - w, 0) / 2 : 0;
        var y = new double[n * oh * ow * cout];
        for (int b = 0; b < n; b++)
        {
            for (int r = 0; r < oh; r++)
            {
                for (int q = 0; q < ow; q++)
                {
                    for (int co = 0; co < cout; co++)
                    {
                        double sum = 0;
                        for (int a = 0; a < kh; a++)
                        {
                            for (int e = 0; e < kw; e++)
                            {
                                int iy = (r * sh) + (a * dh) - padTop, ix = (q * sw) + (e * dw) - padLeft;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                {
                                    continue;
                                }
                                for (int ci = 0; ci < cin; ci++)
                                {
                                    sum += x[(((b * h) + iy) * w + ix) * cin + ci] * k[(((a * kw) + e) * cin + ci) * cout + co];
                                }
                            }
                        }
                        y[(((b * oh) + r) * ow + q) * cout + co] = sum;
                    }
                }
            }
        }
        return y;
    }

    private static (double[] Outputs, double[] H, double[] C) Reference(ConvLSTM2D layer, Tensor x)
    {
        int n = x.Shape[0], t = x.Shape[1], h = x.Shape[2], w = x.Shape[3], cin = x.Shape[4], f = layer.Filters;
        var xs = x.ToArray();
        var bias = layer.Bias!.ToArray();
        double[]? hs = null, cs = null;
        var steps = new List<double[]>();
        for (int s = 0; s < t; s++)
        {
            int step = layer.GoBackwards ? t - 1 - s : s;
            var xt = new double[n * h * w * cin];
            for (int b = 0; b < n; b++)
            {
                for (int j = 0; j < h * w * cin; j++)
                {
                    xt[(b * h * w * cin) + j] = xs[(((b * t) + step) * h * w * cin) + j];
                }
            }
            var zx = Conv(xt, n, h, w, cin, layer.Kernel!, layer.Strides.Height, layer.Strides.Width, layer.DilationRate.Height, layer.DilationRate.Width, layer.Padding == "same", out int oh, out int ow);
            hs ??= new double[n * oh * ow * f];
            cs ??= new double[n * oh * ow * f];
            var zh = Conv(hs, n, oh, ow, f, layer.RecurrentKernel!, 1, 1, 1, 1, true, out _, out _);
            var nh = new double[hs.Length];
            for (int p = 0; p < n * oh * ow; p++)
            {
                for (int u = 0; u < f; u++)
                {
                    double Z(int gate) => zx[(p * 4 * f) + (gate * f) + u] + zh[(p * 4 * f) + (gate * f) + u] + bias[(gate * f) + u];
                    double c = (Sigmoid(Z(1)) * cs[(p * f) + u]) + (Sigmoid(Z(0)) * Math.Tanh(Z(2)));
                    cs[(p * f) + u] = c;
                    nh[(p * f) + u] = Sigmoid(Z(3)) * Math.Tanh(c);
                }
            }
            hs = nh;
            steps.Add(hs);
        }
        // The output sequence is (batch, time, ...): each sample's steps in the order they ran.
        int per = hs!.Length / n;
        var outputs = new double[n * t * per];
        for (int b = 0; b < n; b++)
        {
            for (int s = 0; s < t; s++)
            {
                Array.Copy(steps[s], b * per, outputs, ((b * t) + s) * per, per);
            }
        }
        return (outputs, hs, cs!);
    }

    public static TheoryData<string, int, int, bool, bool> Cases() => new()
    {
        { "valid", 1, 1, false, false },
        { "same", 2, 1, true, false },
        { "valid", 1, 2, true, true },
        { "same", 1, 1, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesAPlainLoopReference(string padding, int stride, int dilation, bool returnSequences, bool goBackwards)
    {
        var layer = new ConvLSTM2D(3, (3, 2), stride, padding, dilationRate: dilation, returnSequences: returnSequences, goBackwards: goBackwards);
        var x = Random(1, -1, 1, 2, 3, 6, 5, 2);
        layer.EnsureBuilt(x.Shape);
        layer.Weights[2].Assign(Random(2, -0.5f, 0.5f, 12));
        var (y, states) = layer.Apply(x, null);
        var (outputs, h, c) = Reference(layer, x);
        var expected = returnSequences ? outputs : h;
        Assert.Equal(layer.ComputeOutputShape(new Shape(-1, 3, 6, 5, 2)).WithDim(0, 2), y.Shape);
        Near(expected, y.ToArray());
        Near(h, states[0].ToArray());
        Near(c, states[1].ToArray());
        // channels_first: the same numbers with the channels moved next to time.
        var first = new ConvLSTM2D(3, (3, 2), stride, padding, "channels_first", dilation, returnSequences: returnSequences, goBackwards: goBackwards);
        var xf = Ops.Transpose(x, 0, 1, 4, 2, 3);
        first.EnsureBuilt(xf.Shape);
        for (int i = 0; i < 3; i++)
        {
            first.Weights[i].Assign(layer.Weights[i].Value);
        }
        var yf = first.Apply(xf);
        var back = returnSequences ? Ops.Transpose(yf, 0, 1, 3, 4, 2) : Ops.Transpose(yf, 0, 2, 3, 1);
        Near(expected, back.ToArray());
    }

    private static void Near(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5, $"[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var layer = new ConvLSTM2D(2, 2, padding: "same", returnSequences: true);
        var x = Random(3, -1, 1, 1, 2, 3, 3, 1);
        layer.EnsureBuilt(x.Shape);
        Check(t => layer.Apply(t[0]), [x, layer.Weights[0].Value, layer.Weights[1].Value, layer.Weights[2].Value]);
        var initial = new[] { Random(4, -0.5f, 0.5f, 1, 3, 3, 2), Random(5, -0.5f, 0.5f, 1, 3, 3, 2) };
        Check(t => layer.Apply(t[0], [t[1], t[2]]).States[1], [x, initial[0], initial[1]]);
    }

    [Fact]
    public void ConfigRoundTripsWithKerasKeys()
    {
        var layer = new ConvLSTM2D(4, (3, 1), 2, "same", dilationRate: 1, recurrentActivation: SharpKeras.Activations.Get("hard_sigmoid"), useBias: false,
            unitForgetBias: false, dropout: 0.1, seed: 3, returnSequences: true, returnState: true, goBackwards: true, name: "clstm");
        var config = layer.GetConfig();
        foreach (var key in new[] { "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "recurrent_activation",
            "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer", "unit_forget_bias", "dropout", "recurrent_dropout", "seed",
            "return_sequences", "return_state", "go_backwards", "stateful", "unroll" })
        {
            Assert.True(config.ContainsKey(key), $"config lacks {key}");
        }
        Assert.Equal("[3,1]", config["kernel_size"]!.ToJsonString());
        Assert.Equal("Orthogonal", (string?)config["recurrent_initializer"]!["class_name"]);
        var again = KerasSerializer.Layer(KerasSerializer.Serialize(layer));
        Assert.IsType<ConvLSTM2D>(again);
        Assert.Equal(config.ToJsonString(), again.GetConfig().ToJsonString());
        Assert.Equal("conv_lstm2d", new ConvLSTM2D(1, 1).Name);
    }

    [Fact]
    public void SavesAndLoadsInEveryFormatAndSummarisesAsKeras()
    {
        var input = Keras.Input([3, 5, 4, 2]);
        var model = new Model(input, new ConvLSTM2D(3, 3, padding: "same").Apply(input));
        var x = Random(6, -1, 1, 2, 3, 5, 4, 2);
        var expected = model.Predict(x, verbose: 0).ToArray();
        foreach (var file in new[] { "m.keras", "m.h5" })
        {
            var path = Path.Combine(_dir, file);
            model.Save(path);
            Assert.Equal(expected, Model.Load(path).Predict(x, verbose: 0).ToArray());
        }
        var weights = Path.Combine(_dir, "m.weights.h5");
        model.SaveWeights(weights);
        var input2 = Keras.Input([3, 5, 4, 2]);
        var fresh = new Model(input2, new ConvLSTM2D(3, 3, padding: "same").Apply(input2));
        fresh.LoadWeights(weights);
        Assert.Equal(expected, fresh.Predict(x, verbose: 0).ToArray());
        string text = "";
        model.Summary(s => text += s + "\n");
        // kernel 3*3*2*12 + recurrent kernel 3*3*3*12 + bias 12.
        Assert.Contains("conv_lstm2d (ConvLSTM2D)", text);
        Assert.Contains("(None, 5, 4, 3)", text);
        Assert.Contains("552", text);
    }

    [Fact]
    public void BadInputNamesTheLayerAndTheExpectedShape()
    {
        var layer = new ConvLSTM2D(2, 3, name: "cl");
        var e = Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(2, 3, 5, 5))));
        Assert.Contains("cl", e.Message);
        Assert.Contains("expected ndim=5", e.Message);
        layer.Apply(Tensor.Zeros(new Shape(1, 2, 5, 5, 3)));
        var e2 = Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(1, 2, 5, 5, 4))));
        Assert.Contains("(5, 5, 3)", e2.Message);
        Assert.Contains("(5, 5, 4)", e2.Message);
        Assert.Contains("expects 2 initial states", Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(1, 2, 5, 5, 3)), [Tensor.Zeros(new Shape(1, 3, 3, 2))])).Message);
        Assert.Contains("leaves no output", Assert.Throws<ArgumentException>(() => new ConvLSTM2D(2, 7).Apply(Tensor.Zeros(new Shape(1, 2, 5, 5, 3)))).Message);
        Assert.Contains("filters", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLSTM2D(0, 3)).Message);
        Assert.Contains("stateful", Assert.Throws<ArgumentException>(() => new ConvLSTM2D(2, 3, stateful: true)).Message);
        Assert.Contains("recurrentDropout", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLSTM2D(2, 3, recurrentDropout: 1.0)).Message);
    }
}
