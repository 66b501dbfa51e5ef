using SharpKeras;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Operations;

/// <summary>Batch and layer normalization ops against direct formulas and finite differences.</summary>
public class NormalizationOpsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNormalizationGradients(bool training)
    {
        var mm = Random(4, -0.5f, 0.5f, 3);
        var mv = Random(5, 0.5f, 2f, 3);
        Check(t => SharpKeras.Ops.BatchNormalization(t[0], t[1], t[2], mm.Clone(), mv.Clone(), 0.99f, 1e-3f, training),
            [Random(1, -2, 2, 2, 3, 2, 3), Random(2, 0.5f, 1.5f, 3), Random(3, -1, 1, 3)], eps: 1e-2f);
    }

    [Fact]
    public void BatchNormalizationWithoutCenterOrScaleGradients()
    {
        var mm = Tensor.Zeros(new Shape(4));
        var mv = Tensor.Ones(new Shape(4));
        Check(t => SharpKeras.Ops.BatchNormalization(t[0], null, null, mm, mv, 0.9f, 1e-3f, true), [Random(1, -2, 2, 5, 4)], eps: 1e-2f);
    }

    [Fact]
    public void BatchNormalizationTrainingUsesBatchStatisticsAndMovesTheMovingOnes()
    {
        var x = Random(1, -3, 5, 6, 2, 3);
        var gamma = Tensor.FromArray(new float[] { 1f, 2f, 0.5f }, 3);
        var beta = Tensor.FromArray(new float[] { 0f, 1f, -1f }, 3);
        var mm = Tensor.FromArray(new float[] { 0.1f, 0.2f, 0.3f }, 3);
        var mv = Tensor.FromArray(new float[] { 1f, 2f, 3f }, 3);
        var y = SharpKeras.Ops.BatchNormalization(x, gamma, beta, mm, mv, 0.9f, 1e-3f, training: true).ToArray();
        var xs = x.ToArray();
        int rows = 12;
        for (int c = 0; c < 3; c++)
        {
            double mean = 0, v = 0;
            for (int r = 0; r < rows; r++)
            {
                mean += xs[r * 3 + c];
            }
            mean /= rows;
            for (int r = 0; r < rows; r++)
            {
                v += Math.Pow(xs[r * 3 + c] - mean, 2);
            }
            v /= rows;
            for (int r = 0; r < rows; r++)
            {
                double expected = (xs[r * 3 + c] - mean) / Math.Sqrt(v + 1e-3) * gamma.ToArray()[c] + beta.ToArray()[c];
                Assert.Equal(expected, y[r * 3 + c], 1e-4);
            }
            Assert.Equal(new[] { 0.1, 0.2, 0.3 }[c] * 0.9 + mean * 0.1, mm.ToArray()[c], 1e-5);
            Assert.Equal(new[] { 1.0, 2.0, 3.0 }[c] * 0.9 + v * 0.1, mv.ToArray()[c], 1e-4);
        }
        // Inference reads the moving statistics and leaves them alone.
        var mmBefore = mm.ToArray();
        var yi = SharpKeras.Ops.BatchNormalization(x, gamma, beta, mm, mv, 0.9f, 1e-3f, training: false).ToArray();
        Assert.Equal(mmBefore, mm.ToArray());
        var mvs = mv.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            int c = i % 3;
            double expected = (xs[i] - mmBefore[c]) / Math.Sqrt(mvs[c] + 1e-3) * gamma.ToArray()[c] + beta.ToArray()[c];
            Assert.Equal(expected, yi[i], 1e-4);
        }
    }

    [Fact]
    public void LayerNormalizationMatchesTheFormulaAndGradients()
    {
        var x = Random(1, -2, 3, 2, 3, 5);
        var gamma = Random(2, 0.5f, 1.5f, 5);
        var beta = Random(3, -1, 1, 5);
        var y = SharpKeras.Ops.LayerNormalization(x, gamma, beta, 1e-3f).ToArray();
        var xs = x.ToArray();
        for (int r = 0; r < 6; r++)
        {
            var row = xs.AsSpan(r * 5, 5).ToArray();
            double mean = row.Average(v => (double)v);
            double variance = row.Average(v => Math.Pow(v - mean, 2));
            for (int j = 0; j < 5; j++)
            {
                double expected = (row[j] - mean) / Math.Sqrt(variance + 1e-3) * gamma.ToArray()[j] + beta.ToArray()[j];
                Assert.Equal(expected, y[r * 5 + j], 1e-4);
            }
        }
        Check(t => SharpKeras.Ops.LayerNormalization(t[0], t[1], t[2], 1e-3f), [x, gamma, beta], eps: 1e-2f);
        Check(t => SharpKeras.Ops.LayerNormalization(t[0], null, null, 1e-3f), [Random(4, -2, 2, 3, 4)], eps: 1e-2f);
    }
}
