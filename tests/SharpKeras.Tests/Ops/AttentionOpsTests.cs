using SharpKeras;

namespace SharpKeras.Tests.Operations;

/// <summary>
/// Ops.DotProductAttention (Keras's ops.dot_product_attention, (batch, length, heads, dim) layout): the fused path's
/// gradients against central differences, fused against the plain composition (values and gradients) with masks,
/// biases, causal masking and query and key lengths that differ, the bias gradient through the composition, and errors.
/// </summary>
public sealed class AttentionOpsTests
{
    private static Tensor KeyMask(int b, int tq, int tk)
    {
        // Sample s hides its last s keys; query 0 of sample 0 sees keys 0 and 1 only.
        var m = new float[b * tq * tk];
        for (int s = 0; s < b; s++)
        {
            for (int i = 0; i < tq; i++)
            {
                for (int j = 0; j < tk; j++)
                {
                    m[(s * tq + i) * tk + j] = j >= tk - s || (s == 0 && i == 0 && j > 1) ? 0f : 1f;
                }
            }
        }
        return Tensor.FromArray(m, b, 1, tq, tk);
    }

    [Theory]
    [InlineData(false, false, 3, 4)]
    [InlineData(true, false, 4, 4)]
    [InlineData(false, true, 3, 5)]
    [InlineData(true, true, 5, 3)]
    public void FusedGradientsMatchFiniteDifferences(bool causal, bool masked, int tq, int tk)
    {
        var q = GradCheck.Random(1, -1, 1, 2, tq, 2, 3);
        var k = GradCheck.Random(2, -1, 1, 2, tk, 2, 3);
        var v = GradCheck.Random(3, -1, 1, 2, tk, 2, 2);
        var mask = masked ? KeyMask(2, tq, tk) : null;
        GradCheck.Check(x => Ops.DotProductAttention(x[0], x[1], x[2], mask: mask, isCausal: causal, flashAttention: true), [q, k, v]);
    }

    [Fact]
    public void ABiasThatNeedsAGradientTakesTheCompositionAndGetsOne()
    {
        var q = GradCheck.Random(1, -1, 1, 2, 3, 2, 3);
        var k = GradCheck.Random(2, -1, 1, 2, 4, 2, 3);
        var v = GradCheck.Random(3, -1, 1, 2, 4, 2, 2);
        var bias = GradCheck.Random(4, -1, 1, 1, 2, 3, 4);
        GradCheck.Check(x => Ops.DotProductAttention(x[0], x[1], x[2], bias: x[3], scale: 0.7), [q, k, v, bias]);
        using var tape = new GradientTape();
        tape.Watch(bias);
        var e = Assert.Throws<ArgumentException>(() => Ops.DotProductAttention(q, k, v, bias: bias, flashAttention: true));
        Assert.Contains("bias", e.Message);
    }

    public static TheoryData<int[], int[], int[], int, bool> Cases() => new()
    {
        // query, key, value shapes; mask kind (0 none, 1 (B,1,Tq,Tk) float, 2 (Tk) bool, 3 bias (B,N,Tq,Tk)); causal.
        { [2, 6, 3, 4], [2, 9, 3, 4], [2, 9, 3, 5], 1, false },
        { [2, 70, 2, 8], [2, 70, 2, 8], [2, 70, 2, 8], 0, true },
        { [3, 9, 2, 4], [3, 5, 2, 4], [3, 5, 2, 3], 3, true },
        { [2, 7, 4], [2, 11, 4], [2, 11, 6], 2, false },
        { [1, 66, 1, 5], [1, 130, 1, 5], [1, 130, 1, 5], 2, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedMatchesTheCompositionInValuesAndGradients(int[] qs, int[] ks, int[] vs, int maskKind, bool causal)
    {
        var q = GradCheck.Random(1, -1.5f, 1.5f, qs);
        var k = GradCheck.Random(2, -1.5f, 1.5f, ks);
        var v = GradCheck.Random(3, -1, 1, vs);
        int b = qs[0], tq = qs[1], tk = ks[1], n = qs.Length == 4 ? qs[2] : 1;
        Tensor? mask = maskKind switch
        {
            1 => KeyMask(b, tq, tk),
            2 => Tensor.FromArray([.. Enumerable.Range(0, tk).Select(j => j % 4 != 3)], tk),
            _ => null,
        };
        Tensor? bias = maskKind == 3 ? GradCheck.Random(5, -1, 1, b, n, tq, tk) : null;
        if (qs.Length == 3 && bias is not null)
        {
            bias = Ops.Reshape(bias, b, tq, tk);
        }
        (float[] Y, float[][] G) Run(bool? flash)
        {
            using var tape = new GradientTape();
            tape.Watch(q);
            tape.Watch(k);
            tape.Watch(v);
            var y = Ops.DotProductAttention(q, k, v, bias: bias, mask: mask, isCausal: causal, flashAttention: flash);
            var w = GradCheck.Random(9, -1, 1, y.Shape.ToArray());
            var grads = tape.Gradient(Ops.Sum(Ops.Multiply(y, w)), [q, k, v]);
            return (y.ToArray(), [.. grads.Select(g => g!.ToArray())]);
        }
        var fused = Run(null);
        var composed = Run(false);
        Assert.Equal(qs[..^1].Append(vs[^1]), Ops.DotProductAttention(q, k, v, bias: bias, mask: mask, isCausal: causal).Shape.ToArray());
        Close(composed.Y, fused.Y, "output");
        string[] names = ["dq", "dk", "dv"];
        for (int i = 0; i < 3; i++)
        {
            Close(composed.G[i], fused.G[i], names[i]);
        }
    }

    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"{what}[{i}]: fused {actual[i]}, composition {expected[i]}");
        }
    }

    [Fact]
    public void BadShapesNameTheArgumentAndTheExpectedShape()
    {
        var q = Tensor.Zeros(new Shape(2, 3, 2, 4));
        var k = Tensor.Zeros(new Shape(2, 5, 2, 4));
        var e = Assert.Throws<ArgumentException>(() => Ops.DotProductAttention(q, Tensor.Zeros(new Shape(2, 5, 2, 3)), k));
        Assert.Contains("headDim 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => Ops.DotProductAttention(q, k, k, mask: Tensor.Ones(new Shape(2, 1, 3, 4))));
        Assert.Contains("mask of shape (2, 1, 3, 4)", e.Message);
        Assert.Contains("(2, 2, 3, 5)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Ops.DotProductAttention(q, k, Tensor.Zeros(new Shape(2, 5, 8))));
        Assert.Contains("rank 4", e.Message);
    }
}
