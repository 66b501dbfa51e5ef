using SharpKeras.Layers;

namespace SharpKeras.Tests.Layers.Attention;

/// <summary>
/// MultiHeadAttention on the fused attention kernel (Keras's flash_attention): the same outputs and weight gradients as
/// the plain composition with causal and given masks and masks from Embedding(maskZero), the composition kept where
/// scores are returned or dropout is active, and flashAttention=true refusing what the fused kernel cannot do.
/// </summary>
public sealed class MultiHeadAttentionFusedTests
{
    private static (float[] Y, float[][] G) Run(MultiHeadAttention mha, Tensor q, Tensor v, Tensor? mask, bool causal)
    {
        using var tape = new GradientTape();
        var y = mha.Apply(q, v, attentionMask: mask, useCausalMask: causal);
        var w = GradCheck.Random(9, -1, 1, y.Shape.ToArray());
        var grads = tape.Gradient(Ops.Sum(Ops.Multiply(y, w)), [.. mha.TrainableWeights.Select(t => t.Value)]);
        return (y.ToArray(), [.. grads.Select(g => g!.ToArray())]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void FusedAndComposedLayersAgreeInOutputsAndGradients(bool causal, bool masked)
    {
        var q = GradCheck.Random(1, -1, 1, 2, 7, 6);
        var v = GradCheck.Random(2, -1, 1, 2, 7, 5);
        Tensor? mask = null;
        if (masked)
        {
            var m = new float[2 * 7 * 7];
            for (int i = 0; i < m.Length; i++)
            {
                m[i] = i % 7 == 6 && i >= 49 ? 0f : 1f;
            }
            mask = Tensor.FromArray(m, 2, 7, 7);
        }
        var fused = new MultiHeadAttention(2, 3, valueDim: 4, flashAttention: null, name: "fused");
        var composed = new MultiHeadAttention(2, 3, valueDim: 4, flashAttention: false, name: "composed");
        fused.EnsureBuilt([q.Shape, v.Shape]);
        composed.EnsureBuilt([q.Shape, v.Shape]);
        for (int i = 0; i < fused.Weights.Count; i++)
        {
            composed.Weights[i].Assign(GradCheck.Random(20 + i, -0.5f, 0.5f, fused.Weights[i].Value.Shape.ToArray()));
            fused.Weights[i].Assign(GradCheck.Random(20 + i, -0.5f, 0.5f, fused.Weights[i].Value.Shape.ToArray()));
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
    public void TheFusedKernelRunsOnlyWhereItApplies()
    {
        var q = GradCheck.Random(1, -1, 1, 2, 5, 4);
        using (var tape = new GradientTape())
        {
            var mha = new MultiHeadAttention(2, 3);
            mha.Apply(q, q);
            Assert.Contains(tape.Nodes.Select(r => r.Kind), k => k == OpKind.DotProductAttention);
        }
        using (var tape = new GradientTape())
        {
            var mha = new MultiHeadAttention(2, 3, dropout: 0.5, seed: 1);
            mha.Apply(q, q, training: true);
            Assert.DoesNotContain(tape.Nodes.Select(r => r.Kind), k => k == OpKind.DotProductAttention);
        }
        var strict = new MultiHeadAttention(2, 3, flashAttention: true, name: "strict");
        var e = Assert.Throws<InvalidOperationException>(() => strict.ApplyReturningScores(q, q));
        Assert.Contains("'strict'", e.Message);
        Assert.Contains("flashAttention=true", e.Message);
        var (y, scores) = new MultiHeadAttention(2, 3).ApplyReturningScores(q, q);
        Assert.Equal(new Shape(2, 2, 5, 5), scores.Shape);
        Assert.Equal(q.Shape, y.Shape);
    }
}
