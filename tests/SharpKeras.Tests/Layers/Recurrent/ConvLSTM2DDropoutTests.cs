using SharpKeras.Layers;
using SharpKeras.Models;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Recurrent;

/// <summary>ConvLSTM2D's dropout and recurrent_dropout in training: Keras's four per-gate masks per sequence, inference untouched, training learns.</summary>
public sealed class ConvLSTM2DDropoutTests
{
    [Fact]
    public void MasksAreInvertedDropoutWithTheRateAndDifferPerGate()
    {
        var input = Tensor.Zeros(new Shape(2, 3, 4, 4, 2));
        var masks = ConvLSTM2D.DropoutMasks(input, new Shape(50, 1, 20, 20, 2), 0.3, SeedGenerator.FromSeed(7));
        Assert.Equal(4, masks.Length);
        foreach (var m in masks)
        {
            Assert.Equal(new Shape(50, 1, 20, 20, 2), m.Shape);
            var v = m.ToArray();
            Assert.All(v, e => Assert.True(e == 0f || Math.Abs(e - 1 / 0.7f) < 1e-6f, $"mask value {e} is neither 0 nor 1 / (1 - rate)"));
            double dropped = v.Count(e => e == 0f) / (double)v.Length;
            // 40,000 draws: the standard deviation of the fraction is 0.0023, so 0.02 is over eight of them.
            Assert.InRange(dropped, 0.28, 0.32);
        }
        Assert.NotEqual(masks[0].ToArray(), masks[1].ToArray());
        Assert.NotEqual(masks[2].ToArray(), masks[3].ToArray());
    }

    private static (ConvLSTM2D Plain, ConvLSTM2D Dropped) Twins(string dataFormat = "channels_last")
    {
        var plain = new ConvLSTM2D(3, 3, padding: "same", dataFormat: dataFormat, returnSequences: true);
        var dropped = new ConvLSTM2D(3, 3, padding: "same", dataFormat: dataFormat, dropout: 0.4, recurrentDropout: 0.3, seed: 11, returnSequences: true);
        var shape = dataFormat == "channels_last" ? new Shape(2, 4, 5, 5, 2) : new Shape(2, 4, 2, 5, 5);
        plain.EnsureBuilt(shape);
        dropped.EnsureBuilt(shape);
        for (int i = 0; i < plain.Weights.Count; i++)
        {
            dropped.Weights[i].Assign(plain.Weights[i].Value);
        }
        return (plain, dropped);
    }

    [Theory]
    [InlineData("channels_last")]
    [InlineData("channels_first")]
    public void InferenceIsUntouchedAndTrainingDrawsAfreshEachCall(string dataFormat)
    {
        var (plain, dropped) = Twins(dataFormat);
        var x = Random(3, -1, 1, dataFormat == "channels_last" ? [2, 4, 5, 5, 2] : [2, 4, 2, 5, 5]);
        var reference = plain.Apply(x, training: true).ToArray();
        Assert.Equal(reference, dropped.Apply(x, training: false).ToArray());
        var first = dropped.Apply(x, training: true).ToArray();
        var second = dropped.Apply(x, training: true).ToArray();
        Assert.NotEqual(reference, first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void MasksOfOnesGiveTheUndroppedOutputAndZeroMasksCutThePaths()
    {
        var (plain, dropped) = Twins();
        var x = Random(4, -1, 1, 2, 4, 5, 5, 2);
        var ones = Enumerable.Range(0, 4).Select(_ => Tensor.Ones(new Shape(2, 1, 5, 5, 2))).ToArray();
        var recurrentOnes = Enumerable.Range(0, 4).Select(_ => Tensor.Ones(new Shape(2, 5, 5, 3))).ToArray();
        var reference = plain.Apply(x).ToArray();
        var masked = dropped.RunWithMasks(x, null, ones, recurrentOnes)[0].ToArray();
        Assert.Equal(reference.Length, masked.Length);
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - masked[i]) <= 1e-5, $"[{i}]: undropped {reference[i]}, all-ones masks {masked[i]}");
        }
        // With every input mask zero and every recurrent mask zero, each step sees only the bias: the first step's output repeats
        // nothing of x, so two different inputs give the same outputs.
        var zeros = Enumerable.Range(0, 4).Select(_ => Tensor.Zeros(new Shape(2, 1, 5, 5, 2))).ToArray();
        var recurrentZeros = Enumerable.Range(0, 4).Select(_ => Tensor.Zeros(new Shape(2, 5, 5, 3))).ToArray();
        var a = dropped.RunWithMasks(x, null, zeros, recurrentZeros)[0].ToArray();
        var b = dropped.RunWithMasks(Random(5, -1, 1, 2, 4, 5, 5, 2), null, zeros, recurrentZeros)[0].ToArray();
        Assert.Equal(a, b);
    }

    [Fact]
    public void GradientsThroughFixedMasksMatchFiniteDifferences()
    {
        var layer = new ConvLSTM2D(2, 2, padding: "same", dropout: 0.5, recurrentDropout: 0.5, seed: 2, returnSequences: true);
        var x = Random(3, -1, 1, 1, 2, 3, 3, 1);
        layer.EnsureBuilt(x.Shape);
        var inputMasks = ConvLSTM2D.DropoutMasks(x, new Shape(1, 1, 3, 3, 1), 0.5, SeedGenerator.FromSeed(4));
        var recurrentMasks = ConvLSTM2D.DropoutMasks(x, new Shape(1, 3, 3, 2), 0.5, SeedGenerator.FromSeed(5));
        Check(t => layer.RunWithMasks(t[0], null, inputMasks, recurrentMasks)[0], [x, layer.Weights[0].Value, layer.Weights[1].Value, layer.Weights[2].Value]);
    }

    [Fact]
    public void TrainingWithDropoutLowersTheLoss()
    {
        Config.SetRandomSeed(6);
        var inputs = Keras.Input([3, 4, 4, 1]);
        var h = new ConvLSTM2D(4, 3, padding: "same", dropout: 0.2, recurrentDropout: 0.2, seed: 1).Apply(inputs);
        var outputs = new Dense(1).Apply(new Flatten().Apply(h));
        var model = new Model(inputs, outputs);
        model.Compile(new SharpKeras.Optimizers.Adam(0.01), "mse");
        var x = Random(7, 0, 1, 32, 3, 4, 4, 1);
        // A target the layer can learn: the mean of the last frame.
        var xv = x.ToArray();
        var y = new float[32];
        for (int n = 0; n < 32; n++)
        {
            for (int p = 0; p < 16; p++)
            {
                y[n] += xv[n * 48 + 32 + p] / 16f;
            }
        }
        var history = model.Fit(x, Tensor.FromArray(y).Reshape(32, 1), batchSize: 8, epochs: 8, verbose: 0, shuffle: false);
        var losses = history["loss"];
        Assert.True(losses[^1] < 0.5 * losses[0], $"losses [{string.Join(", ", losses)}] should fall by half");
    }
}
