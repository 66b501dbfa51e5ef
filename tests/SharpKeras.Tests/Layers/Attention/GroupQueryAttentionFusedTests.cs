using SharpKeras.Layers;

namespace SharpKeras.Tests.Layers.Attention;

/// <summary>
/// GroupQueryAttention on the fused attention kernel (Keras 3.11's dot_product_attention path): the same outputs and weight
/// gradients as the composition over repeated key/value heads, the fused op taken only without dropout and scores, as Keras.
/// </summary>
public sealed class GroupQueryAttentionFusedTests
{
    private static (float[] Y, float[][] G) Run(GroupQueryAttention gqa, Tensor q, Tensor v, Tensor? mask, bool causal)
    {
        using var tape = new GradientTape();
        var y = gqa.Apply(q, v, attentionMask: mask, useCausalMask: causal, training: true);
        var w = GradCheck.Random(9, -1, 1, y.Shape.ToArray());
        var grads = tape.Gradient(Ops.Sum(Ops.Multiply(y, w)), [.. gqa.TrainableWeights.Select(t => t.Value)]);
        return (y.ToArray(), [.. grads.Select(g => g!.ToArray())]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void FusedAndComposedLayersAgreeInOutputsAndGradients(bool causal, bool masked)
    {
        var q = GradCheck.Random(1, -1, 1, 2, 7, 6);
        var v = GradCheck.Random(2, -1, 1, 2, 9, 6);
        Tensor? mask = null;
        if (masked)
        {
            // Every query keeps at least key 0, so no row is fully masked (there the two paths differ, as in Keras).
            var m = new float[2 * 7 * 9];
            for (int i = 0; i < m.Length; i++)
            {
                m[i] = i % 9 == 0 || (i * 7) % 5 != 0 ? 1f : 0f;
            }
            mask = Tensor.FromArray(m, 2, 7, 9);
        }
        var fused = new GroupQueryAttention(3, 4, 2, flashAttention: true, name: "fused");
        var composed = new GroupQueryAttention(3, 4, 2, flashAttention: false, name: "composed");
        fused.EnsureBuilt([q.Shape, v.Shape]);
        composed.EnsureBuilt([q.Shape, v.Shape]);
        for (int i = 0; i < fused.Weights.Count; i++)
        {
            var w = GradCheck.Random(20 + i, -0.5f, 0.5f, fused.Weights[i].Value.Shape.ToArray());
            fused.Weights[i].Assign(w);
            composed.Weights[i].Assign(w);
        }
        var a = Run(fused, q, v, mask, causal);
        var b = Run(composed, q, v, mask, causal);
        for (int i = 0; i < a.Y.Length; i++)
        {
            Assert.True(Math.Abs(a.Y[i] - b.Y[i]) <= 1e-5f * (1 + Math.Abs(b.Y[i])), $"output[{i}]: fused {a.Y[i]}, composition {b.Y[i]}");
        }
        for (int w = 0; w < a.G.Length; w++)
        {
            for (int i = 0; i < a.G[w].Length; i++)
            {
                Assert.True(Math.Abs(a.G[w][i] - b.G[w][i]) <= 1e-4f * (1 + Math.Abs(b.G[w][i])), $"gradient {w}[{i}]: fused {a.G[w][i]}, composition {b.G[w][i]}");
            }
        }
    }

    [Fact]
    public void TheFusedKernelRunsOnlyWhereTheRuleTakesIt()
    {
        var q = GradCheck.Random(1, -1, 1, 2, 5, 4);
        bool Fused(GroupQueryAttention gqa, bool training)
        {
            using var tape = new GradientTape();
            gqa.Apply(q, q, training: training);
            return tape.Nodes.Any(r => r.Kind == OpKind.DotProductAttention);
        }
        Assert.True(Fused(new GroupQueryAttention(2, 2, 1), false));
        Assert.True(Fused(new GroupQueryAttention(2, 2, 1), true));
        Assert.True(Fused(new GroupQueryAttention(2, 2, 1, flashAttention: true), true));
        Assert.False(Fused(new GroupQueryAttention(2, 2, 1, flashAttention: false), false));
        // Keras looks at the layer's dropout rate, not at the training flag.
        Assert.False(Fused(new GroupQueryAttention(2, 2, 1, dropout: 0.5, seed: 1), false));
        var strict = new GroupQueryAttention(2, 2, 1, flashAttention: true, name: "strict");
        var e = Assert.Throws<InvalidOperationException>(() => strict.ApplyReturningScores(q, q));
        Assert.Contains("'strict'", e.Message);
        Assert.Contains("flashAttention=true", e.Message);
        var (y, scores) = new GroupQueryAttention(2, 2, 1).ApplyReturningScores(q, q);
        Assert.Equal(new Shape(2, 2, 5, 5), scores.Shape);
        Assert.Equal(q.Shape, y.Shape);
    }
}
