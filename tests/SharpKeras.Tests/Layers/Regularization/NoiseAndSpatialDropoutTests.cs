using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Regularization;

/// <summary>
/// SpatialDropout1D/3D, GaussianNoise, GaussianDropout, AlphaDropout and ActivityRegularization: identity at
/// inference, Keras's noise in training (statistics on many draws), fresh draws per call, seeded streams,
/// gradients, and bad arguments.
/// </summary>
public class NoiseAndSpatialDropoutTests
{
    private static (double Mean, double Std) Moments(float[] v)
    {
        double mean = v.Average(x => (double)x);
        return (mean, Math.Sqrt(v.Average(x => (x - mean) * (x - mean))));
    }

    [Fact]
    public void SpatialDropout1DAnd3DDropWholeChannels()
    {
        var seq = Tensor.Ones(new Shape(6, 5, 8));
        var one = new SpatialDropout1D(0.5, seed: 3);
        Assert.Same(seq, one.Apply(seq));
        var y = one.Apply(seq, training: true);
        int dropped = 0;
        for (int b = 0; b < 6; b++)
        {
            for (int c = 0; c < 8; c++)
            {
                var values = Enumerable.Range(0, 5).Select(t => y[b, t, c]).Distinct().ToArray();
                Assert.Single(values);
                Assert.True(values[0] is 0f or 2f, $"value {values[0]}");
                dropped += values[0] == 0f ? 1 : 0;
            }
        }
        Assert.InRange(dropped, 10, 38);

        var vol = Tensor.Ones(new Shape(4, 2, 3, 2, 6));
        var three = new SpatialDropout3D(0.25, seed: 4);
        var z = three.Apply(vol, training: true);
        for (int b = 0; b < 4; b++)
        {
            for (int c = 0; c < 6; c++)
            {
                var values = Enumerable.Range(0, 12).Select(p => z[b, p / 6, p / 2 % 3, p % 2, c]).Distinct().ToArray();
                Assert.Single(values);
                Assert.True(values[0] is 0f || Math.Abs(values[0] - 4f / 3f) < 1e-6, $"value {values[0]}");
            }
        }
        var e = Assert.Throws<ArgumentException>(() => new SpatialDropout1D(0.5, name: "sd1").Apply(Tensor.Ones(new Shape(2, 3, 4, 5)), training: true));
        Assert.Contains("sd1", e.Message);
        Assert.Contains("expected ndim=3", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SpatialDropout3D(0.5).Apply(Tensor.Ones(new Shape(2, 3, 4, 5)), training: true));
        Assert.Contains("expected ndim=5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpatialDropout1D(1.5));
    }

    [Fact]
    public void GaussianNoiseAddsNoiseOfItsStddevInTrainingOnly()
    {
        var x = Tensor.Full(new Shape(200, 100), 3f);
        var layer = new GaussianNoise(0.4, seed: 1);
        Assert.Same(x, layer.Apply(x));
        var y = layer.Apply(x, training: true).ToArray();
        var (mean, std) = Moments(y);
        Assert.InRange(mean, 2.99, 3.01);
        Assert.InRange(std, 0.39, 0.41);
        Assert.NotEqual(y, layer.Apply(x, training: true).ToArray());
        Assert.Equal(new GaussianNoise(0.4, seed: 9).Apply(x, training: true).ToArray(), new GaussianNoise(0.4, seed: 9).Apply(x, training: true).ToArray());
        // The gradient of x + noise is 1.
        var small = Random(2, -1, 1, 3, 4);
        using (var tape = new GradientTape())
        {
            tape.Watch(small);
            var loss = SharpKeras.Ops.Sum(layer.Apply(small, training: true));
            Assert.All(tape.Gradient(loss, [small])[0]!.ToArray(), g => Assert.Equal(1f, g));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(-0.1));
    }

    [Fact]
    public void GaussianDropoutMultipliesByNoiseAroundOne()
    {
        var x = Tensor.Full(new Shape(200, 100), 2f);
        var layer = new GaussianDropout(0.2, seed: 2);
        Assert.Same(x, layer.Apply(x));
        var y = layer.Apply(x, training: true).ToArray();
        var (mean, std) = Moments(y);
        // 2 * N(1, sqrt(0.2 / 0.8)): mean 2, std 1.
        Assert.InRange(mean, 1.97, 2.03);
        Assert.InRange(std, 0.98, 1.02);
        // The gradient of x * noise is the noise drawn for that call.
        var small = Random(3, 0.5f, 1.5f, 2, 5);
        Tensor output;
        Tensor?[] grads;
        using (var tape = new GradientTape())
        {
            tape.Watch(small);
            output = layer.Apply(small, training: true);
            grads = tape.Gradient(SharpKeras.Ops.Sum(output), [small]);
        }
        var o = output.ToArray();
        var s = small.ToArray();
        var g = grads[0]!.ToArray();
        for (int i = 0; i < o.Length; i++)
        {
            Assert.True(Math.Abs(g[i] - o[i] / s[i]) < 1e-5, $"element {i}: gradient {g[i]} versus noise {o[i] / s[i]}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianDropout(-0.5));
    }

    [Fact]
    public void AlphaDropoutKeepsZeroMeanUnitVariance()
    {
        // Standard normal inputs keep mean 0 and variance 1 through Keras's a * (x or alpha_p) + b.
        var rng = new SeedGenerator(5);
        var data = new float[40000];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)rng.NextNormal();
        }
        var x = Tensor.FromArray(data, 200, 200);
        var layer = new AlphaDropout(0.3, seed: 6);
        Assert.Same(x, layer.Apply(x));
        var y = layer.Apply(x, training: true).ToArray();
        var (mean, std) = Moments(y);
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(std, 0.97, 1.03);
        // The dropped positions all take the one value a * alpha_p + b.
        double alphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;
        double a = Math.Pow(0.7 * (1 + 0.3 * alphaP * alphaP), -0.5);
        float dropped = (float)(a * alphaP - a * alphaP * 0.3);
        int count = y.Count(v => v == dropped);
        Assert.InRange(count / 40000.0, 0.28, 0.32);
        Check(t => new AlphaDropout(0.3, seed: 7).Apply(t[0], training: true), [Random(4, -1, 1, 3, 4)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlphaDropout(2));
    }

    [Fact]
    public void ActivityRegularizationAddsItsPenaltyPerSample()
    {
        var x = Random(8, -1, 1, 2, 5);
        var layer = new ActivityRegularization(l1: 0.1, l2: 0.2);
        Assert.Same(x, layer.Apply(x));
        var xs = x.ToArray();
        double expected = (0.1 * xs.Sum(v => Math.Abs((double)v)) + 0.2 * xs.Sum(v => (double)v * v)) / 2;
        Assert.Equal(expected, layer.Losses.Sum(l => l.Item()), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivityRegularization(l1: -1));
    }
}
