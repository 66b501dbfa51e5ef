namespace SharpKeras.Tests.Operations;

/// <summary>
/// Ops.MatMul with NumPy's batched broadcasting and Ops.Einsum: values against plain loops written here,
/// gradients against central differences, the CPU kernels against the reference backend, and clear errors.
/// </summary>
public sealed class LinalgOpsTests
{
    /// <summary>NumPy matmul by definition, on shapes already made rank >= 2 (batch broadcast by size-1 axes).</summary>
    private static float[] NaiveMatMul(Tensor a, Tensor b, out int[] shape)
    {
        var ad = a.Shape.ToArray();
        var bd = b.Shape.ToArray();
        bool aVec = ad.Length == 1, bVec = bd.Length == 1;
        if (aVec)
        {
            ad = [1, ad[0]];
        }
        if (bVec)
        {
            bd = [bd[0], 1];
        }
        int m = ad[^2], k = ad[^1], n = bd[^1];
        var ab = ad[..^2];
        var bb = bd[..^2];
        int rank = Math.Max(ab.Length, bb.Length);
        var batch = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int x = i - (rank - ab.Length) >= 0 ? ab[i - (rank - ab.Length)] : 1;
            int y = i - (rank - bb.Length) >= 0 ? bb[i - (rank - bb.Length)] : 1;
            batch[i] = Math.Max(x, y);
        }
        int count = batch.Aggregate(1, (p, d) => p * d);
        var result = new float[count * m * n];
        var av = a.ToArray();
        var bv = b.ToArray();
        for (int t = 0; t < count; t++)
        {
            int rem = t, ao = 0, bo = 0, sa = 1, sb = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                int idx = rem % batch[d];
                rem /= batch[d];
                int da = d - (rank - ab.Length), db = d - (rank - bb.Length);
                if (da >= 0)
                {
                    ao += (ab[da] == 1 ? 0 : idx) * sa;
                    sa *= ab[da];
                }
                if (db >= 0)
                {
                    bo += (bb[db] == 1 ? 0 : idx) * sb;
                    sb *= bb[db];
                }
            }
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                    {
                        s += av[ao * m * k + i * k + p] * bv[bo * k * n + p * n + j];
                    }
                    result[t * m * n + i * n + j] = (float)s;
                }
            }
        }
        var dims = batch.ToList();
        if (!aVec)
        {
            dims.Add(m);
        }
        if (!bVec)
        {
            dims.Add(n);
        }
        shape = [.. dims];
        return result;
    }

    /// <summary>Einsum by definition: every assignment of every label, summed into the output (explicit "->" form, no ellipsis).</summary>
    private static float[] NaiveEinsum(string equation, Tensor[] operands, out int[] shape)
    {
        var parts = equation.Split("->");
        var ins = parts[0].Split(',');
        var output = parts[1];
        var sizes = new Dictionary<char, int>();
        for (int i = 0; i < ins.Length; i++)
        {
            for (int d = 0; d < ins[i].Length; d++)
            {
                sizes[ins[i][d]] = Math.Max(sizes.GetValueOrDefault(ins[i][d], 1), operands[i].Shape[d]);
            }
        }
        var labels = sizes.Keys.ToArray();
        shape = [.. output.Select(c => sizes[c])];
        var result = new double[Math.Max(1, shape.Aggregate(1, (p, d) => p * d))];
        var values = operands.Select(o => o.ToArray()).ToArray();
        var idx = new Dictionary<char, int>();
        int total = labels.Aggregate(1, (p, c) => p * sizes[c]);
        for (int t = 0; t < total; t++)
        {
            int rem = t;
            foreach (var c in labels)
            {
                idx[c] = rem % sizes[c];
                rem /= sizes[c];
            }
            double prod = 1;
            for (int i = 0; i < ins.Length; i++)
            {
                int flat = 0;
                for (int d = 0; d < ins[i].Length; d++)
                {
                    int size = operands[i].Shape[d];
                    flat = flat * size + (size == 1 ? 0 : idx[ins[i][d]]);
                }
                prod *= values[i][flat];
            }
            int o = 0;
            for (int d = 0; d < output.Length; d++)
            {
                o = o * shape[d] + idx[output[d]];
            }
            result[o] += prod;
        }
        return [.. result.Select(v => (float)v)];
    }

    internal static void AssertClose(float[] expected, Tensor actual, double tol = 1e-5)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {a[i]}");
        }
    }

    public static TheoryData<int[], int[]> MatMulShapes() => new()
    {
        { [2, 3, 4], [2, 4, 5] },
        { [2, 3, 4], [4, 5] },
        { [3, 4], [2, 4, 5] },
        { [2, 1, 3, 4], [1, 3, 4, 2] },
        { [4], [4] },
        { [4], [2, 4, 3] },
        { [2, 3, 4], [4] },
        { [4], [4, 3] },
        { [5, 2, 6], [6, 1] },
    };

    [Theory]
    [MemberData(nameof(MatMulShapes))]
    public void MatMulFollowsNumpyBroadcasting(int[] sa, int[] sb)
    {
        var a = GradCheck.Random(1, -1, 1, sa);
        var b = GradCheck.Random(2, -1, 1, sb);
        var expected = NaiveMatMul(a, b, out var shape);
        var z = SharpKeras.Ops.MatMul(a, b);
        Assert.Equal(new Shape(shape), z.Shape);
        AssertClose(expected, z);
    }

    [Theory]
    [MemberData(nameof(MatMulShapes))]
    public void MatMulGradientsMatchFiniteDifferences(int[] sa, int[] sb)
    {
        var a = GradCheck.Random(3, -1, 1, sa);
        var b = GradCheck.Random(4, -1, 1, sb);
        GradCheck.Check(x => SharpKeras.Ops.MatMul(x[0], x[1]), [a, b]);
    }

    [Theory]
    [InlineData("ij,jk->ik", new[] { 3, 4 }, new[] { 4, 5 })]
    [InlineData("bij,bjk->bik", new[] { 2, 3, 4 }, new[] { 2, 4, 5 })]
    [InlineData("aecd,abcd->acbe", new[] { 2, 5, 3, 4 }, new[] { 2, 6, 3, 4 })]
    [InlineData("acbe,aecd->abcd", new[] { 2, 3, 6, 5 }, new[] { 2, 5, 3, 4 })]
    [InlineData("abc,cde->abde", new[] { 2, 3, 4 }, new[] { 4, 2, 5 })]
    [InlineData("abcd,cde->abe", new[] { 2, 3, 4, 5 }, new[] { 4, 5, 6 })]
    [InlineData("ij,kj->ik", new[] { 3, 4 }, new[] { 5, 4 })]
    [InlineData("ij,ij->i", new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData("ij,k->ijk", new[] { 3, 4 }, new[] { 2 })]
    [InlineData("ijk,jl->il", new[] { 2, 3, 4 }, new[] { 3, 5 })]
    [InlineData("bi,bj->", new[] { 2, 3 }, new[] { 2, 4 })]
    [InlineData("bij,jk->bki", new[] { 1, 3, 4 }, new[] { 4, 5 })]
    [InlineData("bxj,bjk->bxk", new[] { 3, 2, 4 }, new[] { 1, 4, 5 })]
    public void EinsumOfTwoOperandsMatchesTheDefinition(string equation, int[] sa, int[] sb)
    {
        var a = GradCheck.Random(5, -1, 1, sa);
        var b = GradCheck.Random(6, -1, 1, sb);
        var expected = NaiveEinsum(equation, [a, b], out var shape);
        var z = SharpKeras.Ops.Einsum(equation, a, b);
        Assert.Equal(new Shape(shape), z.Shape);
        AssertClose(expected, z);
        GradCheck.Check(x => SharpKeras.Ops.Einsum(equation, x[0], x[1]), [a, b]);
    }

    [Theory]
    [InlineData("ij->ji", new[] { 3, 4 })]
    [InlineData("ijk->k", new[] { 2, 3, 4 })]
    [InlineData("ijk->", new[] { 2, 3, 4 })]
    [InlineData("ijk->kij", new[] { 2, 3, 4 })]
    public void EinsumOfOneOperandTransposesAndSums(string equation, int[] sa)
    {
        var a = GradCheck.Random(7, -1, 1, sa);
        var expected = NaiveEinsum(equation, [a], out var shape);
        var z = SharpKeras.Ops.Einsum(equation, a);
        Assert.Equal(new Shape(shape), z.Shape);
        AssertClose(expected, z);
        GradCheck.Check(x => SharpKeras.Ops.Einsum(equation, x[0]), [a]);
    }

    [Fact]
    public void EinsumOfThreeOperandsContractsLeftToRight()
    {
        var a = GradCheck.Random(8, -1, 1, 2, 3);
        var b = GradCheck.Random(9, -1, 1, 3, 4);
        var c = GradCheck.Random(10, -1, 1, 4, 5);
        var expected = NaiveEinsum("ij,jk,kl->il", [a, b, c], out var shape);
        var z = SharpKeras.Ops.Einsum("ij,jk,kl->il", a, b, c);
        Assert.Equal(new Shape(shape), z.Shape);
        AssertClose(expected, z);
        GradCheck.Check(x => SharpKeras.Ops.Einsum("ij,jk,kl->il", x[0], x[1], x[2]), [a, b, c]);
    }

    [Fact]
    public void EllipsisAndImplicitOutputReadAsNumpy()
    {
        var a = GradCheck.Random(11, -1, 1, 2, 3, 4);
        var b = GradCheck.Random(12, -1, 1, 4, 5);
        // "...j,jk->...k" is "abj,jk->abk"; the implicit "ij,jk" is "ij,jk->ik".
        AssertClose(NaiveEinsum("abj,jk->abk", [a, b], out _), SharpKeras.Ops.Einsum("...j,jk->...k", a, b));
        var m = GradCheck.Random(13, -1, 1, 3, 4);
        AssertClose(NaiveEinsum("ij,jk->ik", [m, b], out _), SharpKeras.Ops.Einsum("ij,jk", m, b));
        AssertClose(NaiveEinsum("abj,jk->abk", [a, b], out _), SharpKeras.Ops.Einsum("...j,jk", a, b));
    }

    [Fact]
    public void BadEquationsAndShapesNameWhatIsWrong()
    {
        var a = GradCheck.Random(1, -1, 1, 2, 3);
        var b = GradCheck.Random(2, -1, 1, 4, 5);
        var e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Einsum("ij,jk->ik", a, b));
        Assert.Contains("'j'", e.Message, StringComparison.Ordinal);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        Assert.Contains("4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Einsum("ijk,kl->il", a, b));
        Assert.Contains("rank 2", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Einsum("ij->iz", a));
        Assert.Contains("'z'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Einsum("ii->i", GradCheck.Random(1, -1, 1, 3, 3)));
        Assert.Contains("repeats", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Einsum("ij,jk->ik", a));
        Assert.Contains("2 operand(s) but 1", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.MatMul(GradCheck.Random(1, -1, 1, 2, 3, 4), GradCheck.Random(1, -1, 1, 2, 5, 4)));
        Assert.Contains("(4", e.Message, StringComparison.Ordinal);
        Assert.Contains("(5", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SharpKeras.Ops.MatMul(GradCheck.Random(1, -1, 1, 2, 3, 4), GradCheck.Random(1, -1, 1, 3, 4, 4)));
        Assert.Contains("broadcast", e.Message, StringComparison.Ordinal);
    }
}
