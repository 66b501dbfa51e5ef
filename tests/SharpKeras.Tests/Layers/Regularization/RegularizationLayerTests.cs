using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Regularization;

/// <summary>Dropout and SpatialDropout2D: active only in training, their masks and gradients.</summary>
public class RegularizationLayerTests
{
    [Fact]
    public void SpatialDropoutDropsWholeChannelsOnlyInTraining()
    {
        var x = Tensor.Ones(new Shape(4, 3, 3, 8));
        var layer = new SpatialDropout2D(0.5, seed: 1);
        Assert.Same(x, layer.Apply(x, training: false));
        var y = layer.Apply(x, training: true);
        int dropped = 0;
        for (int b = 0; b < 4; b++)
        {
            for (int c = 0; c < 8; c++)
            {
                var values = Enumerable.Range(0, 9).Select(p => y[b, p / 3, p % 3, c]).Distinct().ToArray();
                Assert.Single(values);
                Assert.True(values[0] is 0f or 2f);
                dropped += values[0] == 0f ? 1 : 0;
            }
        }
        Assert.InRange(dropped, 4, 28);
        Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Ones(new Shape(2, 3, 4)), training: true));
    }

    [Fact]
    public void SpatialDropoutGradientIsItsMask()
    {
        var x = Random(1, 0.5f, 1.5f, 3, 2, 2, 6);
        Tensor y;
        Tensor?[] g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            y = new SpatialDropout2D(0.4, seed: 3).Apply(x, training: true);
            g = tape.Gradient(SharpKeras.Ops.Sum(y), [x]);
        }
        var ys = y.ToArray();
        var xs = x.ToArray();
        var gs = g[0]!.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(ys[i] / xs[i], gs[i], 1e-5f);
        }
        Assert.Contains(gs, v => v == 0f);
    }

    [Fact]
    public void DropoutScalesInTrainingAndIsIdentityInInference()
    {
        var d = new Dropout(0.5, seed: 3);
        var x = Tensor.Ones(new Shape(100, 100));
        Assert.Same(x, d.Apply(x, training: false));
        var y = d.Apply(x, training: true).ToArray();
        Assert.All(y, v => Assert.True(v == 0f || v == 2f));
        double kept = y.Count(v => v != 0) / (double)y.Length;
        Assert.InRange(kept, 0.45, 0.55);
        Assert.Equal(new Shape(-1, 3), d.ComputeOutputShape(new Shape(-1, 3)));
    }
}
