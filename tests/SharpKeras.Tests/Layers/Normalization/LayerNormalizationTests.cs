using SharpKeras.Layers;

namespace SharpKeras.Tests.Layers.Normalization;

/// <summary>LayerNormalization computes Keras's formula and differentiates correctly.</summary>
public class LayerNormalizationTests
{
    [Fact]
    public void NormalisesEachRowThenScalesAndShifts()
    {
        var layer = new LayerNormalization(epsilon: 1e-3);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, -1, 0, 0, 5 }, 2, 4);
        var y = layer.Apply(x).ToArray();
        // Row 0: mean 2.5, variance 1.25.
        double inv = 1 / Math.Sqrt(1.25 + 1e-3);
        Assert.Equal((1 - 2.5) * inv, y[0], 5);
        Assert.Equal((4 - 2.5) * inv, y[3], 5);
        Assert.Equal(2, layer.Weights.Count);
        Assert.Equal(["gamma", "beta"], layer.Weights.Select(w => w.Name));
        layer.Gamma!.Assign(Tensor.FromArray(new float[] { 2, 2, 2, 2 }, 4));
        layer.Beta!.Assign(Tensor.FromArray(new float[] { 1, 1, 1, 1 }, 4));
        Assert.Equal(2 * (1 - 2.5) * inv + 1, layer.Apply(x).ToArray()[0], 5);
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var layer = new LayerNormalization();
        var x = GradCheck.Random(3, -2, 2, 3, 5);
        layer.Apply(x);
        layer.Gamma!.Assign(GradCheck.Random(4, 0.5f, 1.5f, 5));
        layer.Beta!.Assign(GradCheck.Random(5, -0.5f, 0.5f, 5));
        GradCheck.Check(t => layer.Apply(t[0]), [x]);
        GradCheck.Check(_ => layer.Apply(x), [layer.Gamma.Value, layer.Beta.Value]);
    }

    [Fact]
    public void RejectsOtherAxesAndWrongWidths()
    {
        var e = Assert.Throws<ArgumentException>(() => new LayerNormalization(axis: 1, name: "ln").Apply(Tensor.Zeros(new Shape(2, 3, 4))));
        Assert.Contains("ln", e.Message);
        var layer = new LayerNormalization();
        layer.Apply(Tensor.Zeros(new Shape(2, 4)));
        Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(2, 5))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNormalization(epsilon: 0));
    }
}
