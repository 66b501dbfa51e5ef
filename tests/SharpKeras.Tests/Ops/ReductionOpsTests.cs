using O = SharpKeras.Ops;

namespace SharpKeras.Tests.Operations;

/// <summary>keras.ops's reductions over an axis or a tuple of axes: NumPy's values and shapes, gradients, errors.</summary>
public class ReductionOpsTests
{
    private static Tensor Seq(params int[] shape) => Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(v => (float)v).ToArray(), shape);

    [Fact]
    public void SumAndMeanOverTupleAxes()
    {
        var x = Seq(2, 3, 4);
        var s = O.Sum(x, [0, 2]);
        Assert.Equal(new Shape(3), s.Shape);
        // np.arange(24).reshape(2, 3, 4).sum(axis=(0, 2)).
        Assert.Equal([60f, 92f, 124f], s.ToArray());
        Assert.Equal(new Shape(1, 3, 1), O.Sum(x, [0, -1], keepDims: true).Shape);
        Assert.Equal([6f, 22f, 38f, 54f, 70f, 86f], O.Sum(x, [2]).ToArray());
        Assert.Equal(new Shape(2), O.Sum(x, [1, 2]).Shape);
        Assert.Equal([66f, 210f], O.Sum(x, [1, 2]).ToArray());
        Assert.Equal([7.5f, 11.5f, 15.5f], O.Mean(x, [0, 2]).ToArray(), new ToleranceComparer(1e-5f));
        Assert.Equal(x.ToArray(), O.Sum(x, Array.Empty<int>()).ToArray());
        Assert.Contains("Sum: axis -2 is repeated in (1, -2)", Assert.Throws<ArgumentException>(() => O.Sum(x, [1, -2])).Message);
        Assert.Contains("Sum: axis 3 is out of range", Assert.Throws<ArgumentOutOfRangeException>(() => O.Sum(x, [3])).Message);
        GradCheck.Check(t => O.Sum(t[0], [0, 2]), [GradCheck.Random(1, -1, 1, 2, 3, 4)]);
        GradCheck.Check(t => O.Mean(t[0], [2, 0], keepDims: true), [GradCheck.Random(2, -1, 1, 2, 3, 4)]);
        // An empty axis sums to 0.
        Assert.Equal([0f, 0f], O.Sum(Tensor.Zeros(new Shape(2, 0)), [1]).ToArray());
    }

    [Fact]
    public void MaxMinAndProd()
    {
        var x = Tensor.FromArray(new float[] { 3, -1, 4, 1, -5, 9, 2, 6 }, 2, 4);
        Assert.Equal([4f, 9f], O.Max(x, 1).ToArray());
        Assert.Equal([-5f, -1f, 2f, 1f], O.Min(x, 0).ToArray());
        Assert.Equal(9f, O.Max(x).Item());
        Assert.Equal(new Shape(1, 1), O.Max(x, [0, 1], keepDims: true).Shape);
        Assert.Equal([-12f, -540f], O.Prod(x, 1).ToArray());
        Assert.Equal(1f, O.Prod(Tensor.Zeros(new Shape(0))).Item());
        Assert.Equal(DType.Int32, O.Max(O.Arange(5)).DType);
        Assert.Equal(4, O.Max(O.Arange(5)).Item());
        Assert.Contains("Max: cannot reduce an empty axis", Assert.Throws<ArgumentException>(() => O.Max(Tensor.Zeros(new Shape(2, 0)), 1)).Message);
        // Distinct values (no tie moves under a finite-difference step).
        var v = Tensor.FromArray(new float[] { 0.3f, -0.8f, 0.9f, 0.1f, -0.4f, 0.6f, 0.75f, -0.2f, 0.05f, -0.9f, 0.45f, 0.2f }, 2, 3, 2);
        GradCheck.Check(t => O.Max(t[0], [0, 2]), [v]);
        GradCheck.Check(t => O.Min(t[0], 1, keepDims: true), [v]);
        GradCheck.Check(t => O.Prod(t[0], [1, 2]), [v]);
        // Prod's gradient is exact where an element is 0 (the product of the others).
        var z = Tensor.FromArray(new float[] { 2f, 0f, 3f }, 3);
        using (var tape = new GradientTape())
        {
            tape.Watch(z);
            var g = tape.Gradient(O.Prod(z), [z])[0]!;
            Assert.Equal([0f, 6f, 0f], g.ToArray());
        }
        // Ties share the gradient equally, as JAX and TensorFlow.
        var tie = Tensor.FromArray(new float[] { 1f, 5f, 5f }, 3);
        using (var tape = new GradientTape())
        {
            tape.Watch(tie);
            Assert.Equal([0f, 0.5f, 0.5f], tape.Gradient(O.Max(tie), [tie])[0]!.ToArray());
        }
    }

    [Fact]
    public void VarAndStdArePopulationStatistics()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 6, 8 }, 2, 3);
        Assert.Equal([2f / 3f, 8f / 3f], O.Var(x, 1).ToArray(), new ToleranceComparer(1e-6f));
        Assert.Equal(MathF.Sqrt(2f / 3f), O.Std(x, 1).ToArray()[0], 5);
        Assert.Equal(new Shape(1, 1), O.Var(x, [0, 1], keepDims: true).Shape);
        // np.var([1, 2, 3, 4, 6, 8]) = 34 / 6.
        Assert.Equal(34f / 6f, O.Var(x).Item(), 4);
        GradCheck.Check(t => O.Var(t[0], [0, 2]), [GradCheck.Random(3, -1, 1, 2, 3, 2)]);
        GradCheck.Check(t => O.Std(t[0], 1), [GradCheck.Random(4, -1, 1, 2, 3, 2)]);
    }

    [Fact]
    public void AnyAndAll()
    {
        var x = Tensor.FromArray(new float[] { 0, 0, 1, 2, 3, 4 }, 3, 2);
        Assert.Equal(DType.Bool, O.Any(x).DType);
        Assert.True(O.Any(x).ToBoolArray()[0]);
        Assert.False(O.All(x).ToBoolArray()[0]);
        Assert.Equal([false, true, true], O.Any(x, 1).ToBoolArray());
        Assert.Equal([false, true, true], O.All(x, -1).ToBoolArray());
        Assert.Equal([false, false], O.All(x, 0).ToBoolArray());
        Assert.Equal(new Shape(1, 2), O.Any(x, [0], keepDims: true).Shape);
        Assert.Equal([true, true], O.All(Tensor.Zeros(new Shape(0, 2)), 0).ToBoolArray());
        var b = Tensor.FromArray(new[] { true, false, true, true }, 2, 2);
        Assert.Equal([false, true], O.All(b, 1).ToBoolArray());
        Assert.Equal([true], O.Any(b, [0, 1], keepDims: true).ToBoolArray());
    }

    [Fact]
    public void ArgmaxAndArgmin()
    {
        var x = Tensor.FromArray(new float[] { 3, 7, 7, 1, 0, 9, 2, 0 }, 2, 4);
        Assert.Equal([1, 1], O.Argmax(x, 1).ToInt32Array());
        Assert.Equal([0, 1, 0, 0], O.Argmax(x, 0).ToInt32Array());
        Assert.Equal(5, (int)O.Argmax(x, null).Item());
        Assert.Equal(Shape.Scalar, O.Argmax(x, null).Shape);
        Assert.Equal([3, 0], O.Argmin(x, -1).ToInt32Array());
        Assert.Equal(new Shape(2, 1), O.Argmin(x, 1, keepDims: true).Shape);
        Assert.Equal(4, (int)O.Argmin(x).Item());
        Assert.Equal(DType.Int32, O.Argmin(x, 0).DType);
        Assert.Contains("Argmax: axis 2 is out of range", Assert.Throws<ArgumentOutOfRangeException>(() => O.Argmax(x, 2)).Message);
    }

    [Fact]
    public void NormsFollowNumPy()
    {
        var v = Tensor.FromArray(new float[] { 3, -4, 0, 12 }, 4);
        Assert.Equal(13f, O.Norm(v).Item(), 5);
        Assert.Equal(19f, O.Norm(v, 1).Item(), 5);
        Assert.Equal(12f, O.Norm(v, float.PositiveInfinity).Item());
        Assert.Equal(0f, O.Norm(v, float.NegativeInfinity).Item());
        Assert.Equal(3f, O.Norm(v, 0).Item());
        Assert.Equal(MathF.Pow(27 + 64 + 1728, 1f / 3f), O.Norm(v, 3).Item(), 3);
        var m = Tensor.FromArray(new float[] { 1, -2, 3, -4, 5, -6 }, 2, 3);
        Assert.Equal(MathF.Sqrt(91), O.Norm(m).Item(), 4);
        Assert.Equal(MathF.Sqrt(91), O.Norm(m, "fro").Item(), 4);
        // Largest column sum (9), smallest (5); largest row sum (15), smallest (6).
        Assert.Equal(9f, O.Norm(m, 1).Item(), 5);
        Assert.Equal(5f, O.Norm(m, -1).Item(), 5);
        Assert.Equal(15f, O.Norm(m, float.PositiveInfinity).Item(), 5);
        Assert.Equal(6f, O.Norm(m, float.NegativeInfinity).Item(), 5);
        Assert.Equal([MathF.Sqrt(14), MathF.Sqrt(77)], O.Norm(m, axis: [1]).ToArray(), new ToleranceComparer(1e-5f));
        Assert.Equal(new Shape(2, 1), O.Norm(m, axis: [-1], keepDims: true).Shape);
        Assert.Equal(new Shape(1, 1), O.Norm(m, 1, [0, 1], keepDims: true).Shape);
        // Singular values from the eigenvalues of m m^T = [[14, -32], [-32, 77]]: (91 +/- sqrt(91^2 - 4 * 54)) / 2.
        double root = Math.Sqrt((91.0 * 91) - (4 * 54));
        float s1 = (float)Math.Sqrt((91 + root) / 2), s2 = (float)Math.Sqrt((91 - root) / 2);
        Assert.Equal(s1, O.Norm(m, 2).Item(), 4);
        Assert.Equal(s2, O.Norm(m, -2).Item(), 4);
        Assert.Equal(s1 + s2, O.Norm(m, "nuc").Item(), 4);
        Assert.Contains("needs a 1-D or 2-D tensor", Assert.Throws<ArgumentException>(() => O.Norm(Seq(2, 2, 2), 1)).Message);
        var g = Tensor.FromArray(new float[] { 0.3f, -0.8f, 0.9f, 0.1f, -0.4f, 0.65f }, 2, 3);
        GradCheck.Check(t => O.Norm(t[0], axis: [1]), [g]);
        GradCheck.Check(t => O.Norm(t[0], 3, [0]), [g]);
        GradCheck.Check(t => O.Norm(t[0], 1), [g]);
        GradCheck.Check(t => O.Norm(t[0], float.PositiveInfinity, [1]), [g]);
    }

    /// <summary>Compares floats within an absolute tolerance.</summary>
    private sealed class ToleranceComparer(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;

        public int GetHashCode(float obj) => 0;
    }
}
