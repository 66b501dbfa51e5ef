using O = SharpKeras.Ops;

namespace SharpKeras.Tests.Operations;

/// <summary>The matrix norms from singular values (ord 2, -2, "nuc"): the Jacobi SVD, values, batched axes and gradients.</summary>
public class MatrixNormTests
{
    [Theory]
    [InlineData(7, 4)]
    [InlineData(5, 5)]
    [InlineData(3, 1)]
    public void JacobiSvdReconstructsTheMatrixWithOrthonormalFactors(int rows, int cols)
    {
        var src = GradCheck.Random(rows * 10 + cols, -1, 1, rows * cols).ToArray().Select(v => (double)v).ToArray();
        var a = (double[])src.Clone();
        var v = new double[cols * cols];
        var sigma = new double[cols];
        O.JacobiSvd(a, rows, cols, v, sigma);
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < cols; k++)
            {
                // a now holds U * Sigma, so A = a V^T.
                double sum = 0;
                for (int j = 0; j < cols; j++)
                {
                    sum += a[(i * cols) + j] * v[(k * cols) + j];
                }
                Assert.True(Math.Abs(sum - src[(i * cols) + k]) < 1e-12, $"A[{i},{k}] = {src[(i * cols) + k]}, U S V^T gives {sum}");
            }
        }
        for (int p = 0; p < cols; p++)
        {
            for (int q = 0; q < cols; q++)
            {
                double uu = 0, vv = 0;
                for (int i = 0; i < rows; i++)
                {
                    uu += a[(i * cols) + p] * a[(i * cols) + q] / (sigma[p] * sigma[q]);
                }
                for (int i = 0; i < cols; i++)
                {
                    vv += v[(i * cols) + p] * v[(i * cols) + q];
                }
                Assert.True(Math.Abs(uu - (p == q ? 1 : 0)) < 1e-10, $"U^T U [{p},{q}] = {uu}");
                Assert.True(Math.Abs(vv - (p == q ? 1 : 0)) < 1e-12, $"V^T V [{p},{q}] = {vv}");
            }
        }
        // The squared singular values sum to the squared Frobenius norm.
        Assert.True(Math.Abs(sigma.Sum(s => s * s) - src.Sum(x => x * x)) < 1e-10);
    }

    [Fact]
    public void NormsOfDiagonalAndBatchedMatrices()
    {
        // A permuted diagonal has its absolute entries as singular values.
        var d = Tensor.FromArray(new float[] { 0, -3, 0, 0, 0, 0.5f, 2, 0, 0 }, 3, 3);
        Assert.Equal(3f, O.Norm(d, 2).Item(), 5);
        Assert.Equal(0.5f, O.Norm(d, -2).Item(), 5);
        Assert.Equal(5.5f, O.Norm(d, "nuc").Item(), 5);
        // Matrices over axes (0, 2) of a (3, 2, 4) tensor: one norm per index of axis 1.
        var x = GradCheck.Random(3, -1, 1, 3, 2, 4);
        var batched = O.Norm(x, 2, [0, 2]);
        Assert.Equal(new Shape(2), batched.Shape);
        Assert.Equal(new Shape(1, 2, 1), O.Norm(x, "nuc", [2, 0], keepDims: true).Shape);
        for (int b = 0; b < 2; b++)
        {
            var slice = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => x[i / 4, b, i % 4]).ToArray(), 3, 4);
            Assert.Equal(O.Norm(slice, 2).Item(), batched[b], 5);
            Assert.Equal(O.Norm(O.Transpose(slice), "nuc").Item(), O.Norm(x, "nuc", [2, 0])[b], 5);
            // The spectral norm lies between the Frobenius norm over sqrt(rank) and the Frobenius norm.
            float fro = O.Norm(slice, "fro").Item();
            Assert.InRange(batched[b], fro / MathF.Sqrt(3) - 1e-5f, fro + 1e-5f);
        }
        Assert.Contains("repeated", Assert.Throws<ArgumentException>(() => O.Norm(x, "nuc", [1, 1])).Message);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var tall = GradCheck.Random(4, -1, 1, 4, 3);
        var wide = GradCheck.Random(5, -1, 1, 2, 5);
        GradCheck.Check(t => O.Norm(t[0], 2), [tall], eps: 1e-3f);
        GradCheck.Check(t => O.Norm(t[0], -2), [tall], eps: 1e-3f);
        GradCheck.Check(t => O.Norm(t[0], "nuc"), [tall], eps: 1e-3f);
        GradCheck.Check(t => O.Norm(t[0], 2), [wide], eps: 1e-3f);
        GradCheck.Check(t => O.Norm(t[0], "nuc"), [wide], eps: 1e-3f);
        GradCheck.Check(t => O.Norm(t[0], "nuc", [0, 2], keepDims: true), [GradCheck.Random(6, -1, 1, 3, 2, 2)], eps: 1e-3f);
    }
}
