using SharpKeras.Losses;

namespace SharpKeras.Tests.Losses;

public class LossTests
{
    private static readonly Tensor Probs = Tensor.FromArray(new float[] { 0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f }, 2, 3);

    [Fact]
    public void SparseCategoricalCrossentropyOnProbabilities()
    {
        var loss = Loss.Get("sparse_categorical_crossentropy").Compute(Tensor.FromArray(new byte[] { 0, 2 }), Probs).Item();
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.8)) / 2, loss, 5);
    }

    [Fact]
    public void SparseLabelsWithTrailingAxisAndFromLogits()
    {
        var logits = Tensor.FromArray(new float[] { 2f, 1f, 0f, 0f, 0f, 3f }, 2, 3);
        var labels = Tensor.FromArray(new int[] { 0, 2 }, 2, 1);
        double expected = 0;
        foreach (var (row, label) in new[] { (new[] { 2.0, 1, 0 }, 0), (new[] { 0.0, 0, 3 }, 2) })
        {
            expected -= row[label] - Math.Log(row.Sum(Math.Exp));
        }
        Assert.Equal(expected / 2, new SparseCategoricalCrossentropy(fromLogits: true).Compute(labels, logits).Item(), 5);
    }

    [Fact]
    public void ProbabilitiesAreClippedAsKeras()
    {
        var p = Tensor.FromArray(new float[] { 1f, 0f }, 1, 2);
        var loss = new SparseCategoricalCrossentropy().Compute(Tensor.FromArray(new int[] { 1 }), p).Item();
        Assert.Equal(-Math.Log(1e-7), loss, 3);
    }

    [Fact]
    public void SparseLabelsOutOfRangeAreRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Loss.Get("sparse_categorical_crossentropy").Compute(Tensor.FromArray(new int[] { 0, 3 }), Probs));
        Assert.Contains("label 3", e.Message);
        Assert.Contains("[0, 3)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Loss.Get("sparse_categorical_crossentropy").Compute(Tensor.FromArray(new int[] { -1, 0 }), Probs));
    }

    [Fact]
    public void CategoricalCrossentropy()
    {
        var oneHot = Tensor.FromArray(new float[] { 0, 1, 0, 0, 0, 1 }, 2, 3);
        Assert.Equal(-(Math.Log(0.2) + Math.Log(0.8)) / 2, Loss.Get("categorical_crossentropy").Compute(oneHot, Probs).Item(), 5);
        Assert.Throws<ArgumentException>(() => Loss.Get("categorical_crossentropy").Compute(Tensor.Zeros(new Shape(2, 2)), Probs));
    }

    [Fact]
    public void BinaryCrossentropyBothForms()
    {
        var y = Tensor.FromArray(new float[] { 1, 0, 1 }, 3, 1);
        var p = Tensor.FromArray(new float[] { 0.9f, 0.2f, 0.4f }, 3, 1);
        double expected = -(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.4)) / 3;
        Assert.Equal(expected, Loss.Get("binary_crossentropy").Compute(y, p).Item(), 5);
        var logits = Tensor.FromArray(new float[] { 2f, -1f, 0.5f }, 3, 1);
        double e2 = 0;
        float[] z = [2f, -1f, 0.5f];
        float[] t = [1, 0, 1];
        for (int i = 0; i < 3; i++)
        {
            double s = 1 / (1 + Math.Exp(-z[i]));
            e2 -= t[i] * Math.Log(s) + (1 - t[i]) * Math.Log(1 - s);
        }
        Assert.Equal(e2 / 3, new BinaryCrossentropy(fromLogits: true).Compute(y, logits).Item(), 5);
    }

    [Fact]
    public void MeanSquaredError()
    {
        var y = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var p = Tensor.FromArray(new float[] { 1, 0, 3, 7 }, 2, 2);
        Assert.Equal((4 + 9) / 4.0, Loss.Get("mse").Compute(y, p).Item(), 5);
        Assert.Equal("mean_squared_error", Loss.Get("mean_squared_error").Name);
    }

    [Fact]
    public void LossGradientsMatchFiniteDifferences()
    {
        var labels = Tensor.FromArray(new int[] { 0, 2, 1 });
        GradCheck.Check(t => new SparseCategoricalCrossentropy().Call(labels, SharpKeras.Ops.Softmax(t[0])), [GradCheck.Random(1, -1, 1, 3, 3)], eps: 1e-3f);
        GradCheck.Check(t => new SparseCategoricalCrossentropy(fromLogits: true).Call(labels, t[0]), [GradCheck.Random(2, -1, 1, 3, 3)], eps: 1e-3f);
        var yb = Tensor.FromArray(new float[] { 1, 0, 1, 0 }, 4, 1);
        GradCheck.Check(t => new BinaryCrossentropy().Call(yb, SharpKeras.Ops.Sigmoid(t[0])), [GradCheck.Random(3, -1, 1, 4, 1)], eps: 1e-3f);
        GradCheck.Check(t => new BinaryCrossentropy(fromLogits: true).Call(yb, t[0]), [GradCheck.Random(4, -1, 1, 4, 1)], eps: 1e-3f);
        GradCheck.Check(t => new SharpKeras.Losses.MeanSquaredError().Call(yb, t[0]), [GradCheck.Random(5, -1, 1, 4, 1)], eps: 1e-3f);
    }

    [Fact]
    public void UnknownLossListsValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.Get("cross_entropy"));
        Assert.Contains("sparse_categorical_crossentropy", e.Message);
    }
}
