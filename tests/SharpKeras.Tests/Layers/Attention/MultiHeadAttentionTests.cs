using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Attention;

/// <summary>MultiHeadAttention: Keras's sublayer shapes and equations, masks (given, causal, from Embedding(maskZero)), gradients, config, saving and bad input.</summary>
public sealed class MultiHeadAttentionTests
{
    [Fact]
    public void SublayersHaveKerasShapesAndParameterCount()
    {
        var mha = new MultiHeadAttention(2, 8);
        var q = GradCheck.Random(1, -1, 1, 4, 12, 16);
        var y = mha.Apply(q, q);
        Assert.Equal(q.Shape, y.Shape);
        Assert.Equal(new Shape(16, 2, 8), mha.QueryDense!.Kernel!.Shape);
        Assert.Equal(new Shape(2, 8), mha.QueryDense.Bias!.Shape);
        Assert.Equal(new Shape(2, 8, 16), mha.OutputDense!.Kernel!.Shape);
        Assert.Equal(new Shape(16), mha.OutputDense.Bias!.Shape);
        Assert.Equal("abc,cde->abde", mha.QueryDense.Equation);
        Assert.Equal("abcd,cde->abe", mha.OutputDense.Equation);
        Assert.Equal(1088, mha.CountParams());
        Assert.Equal(["query", "key", "value", "attention_output"], mha.TrackedLayers.Take(4).Select(l => l.Name));
        Assert.Equal(8, mha.Weights.Count);
        Assert.Equal(new[] { 1 }, mha.AttentionAxes);
    }

    [Fact]
    public void CrossAttentionWithKeyValueDimAndOutputShape()
    {
        var mha = new MultiHeadAttention(3, 4, valueDim: 5, outputShape: [7], useBias: false);
        var q = GradCheck.Random(1, -1, 1, 2, 6, 10);
        var v = GradCheck.Random(2, -1, 1, 2, 9, 8);
        var k = GradCheck.Random(3, -1, 1, 2, 9, 3);
        var (y, scores) = mha.ApplyReturningScores(q, v, k);
        Assert.Equal(new Shape(2, 6, 7), y.Shape);
        Assert.Equal(new Shape(2, 3, 6, 9), scores.Shape);
        Assert.Equal(new Shape(3, 3, 4), mha.KeyDense!.Kernel!.Shape);
        Assert.Equal(new Shape(8, 3, 5), mha.ValueDense!.Kernel!.Shape);
        Assert.Null(mha.QueryDense!.Bias);
        // Attention weights sum to one over the source positions.
        var s = scores.ToArray();
        for (int row = 0; row < s.Length / 9; row++)
        {
            Assert.Equal(1.0, s.Skip(row * 9).Take(9).Sum(), 5);
        }
    }

    [Fact]
    public void MaskedSourcePositionsAndLaterPositionsHaveNoInfluence()
    {
        var mha = new MultiHeadAttention(2, 3);
        var q = GradCheck.Random(1, -1, 1, 2, 5, 6);
        var v = GradCheck.Random(2, -1, 1, 2, 5, 6);
        var mask = Tensor.Ones(new Shape(2, 5, 5));
        var ms = mask.Span;
        for (int b = 0; b < 2; b++)
        {
            for (int t = 0; t < 5; t++)
            {
                ms[(b * 5 + t) * 5 + 4] = 0f;
            }
        }
        var y1 = mha.Apply(q, v, attentionMask: mask).ToArray();
        var v2 = Tensor.FromArray(v.ToArray(), 2, 5, 6);
        for (int c = 0; c < 6; c++)
        {
            v2.Span[4 * 6 + c] += 3f;
        }
        Assert.Equal(y1, mha.Apply(q, v2, attentionMask: mask).ToArray());
        Assert.NotEqual(y1, mha.Apply(q, v2).ToArray());
        // Causal: the first query position sees only the first source position.
        var c1 = mha.Apply(q, q, useCausalMask: true).ToArray();
        var q2 = Tensor.FromArray(q.ToArray(), 2, 5, 6);
        q2.Span[3 * 6] += 2f;
        var c2 = mha.Apply(q2, q2, useCausalMask: true).ToArray();
        for (int t = 0; t < 3; t++)
        {
            for (int c = 0; c < 6; c++)
            {
                Assert.Equal(c1[t * 6 + c], c2[t * 6 + c]);
            }
        }
    }

    [Fact]
    public void EmbeddingMaskReachesAttentionAndPassesOn()
    {
        var emb = new Embedding(10, 6, maskZero: true);
        var mha = new MultiHeadAttention(2, 3);
        var tokens = Tensor.FromArray(new[] { 3, 5, 0, 0, 2, 7, 1, 0 }, 2, 4);
        var tokens2 = Tensor.FromArray(new[] { 3, 5, 0, 0, 2, 7, 1, 0 }, 2, 4);
        var e = emb.Apply(tokens);
        var y = mha.Apply(e, e);
        Assert.NotNull(y.KerasMask);
        // Changing the embedding of the padding token changes no unmasked output position.
        var e2 = emb.Apply(tokens2);
        var es = e2.Span;
        for (int c = 0; c < 6; c++)
        {
            es[2 * 6 + c] += 1f;
            es[3 * 6 + c] -= 1f;
        }
        var y2 = mha.Apply(e2, e2).ToArray();
        var y1 = y.ToArray();
        foreach (int pos in new[] { 0, 1, 4, 5, 6 })
        {
            for (int c = 0; c < 6; c++)
            {
                Assert.Equal(y1[pos * 6 + c], y2[pos * 6 + c], 6);
            }
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var mha = new MultiHeadAttention(2, 2, outputShape: [3]);
        var q = GradCheck.Random(4, -1, 1, 2, 3, 4);
        var v = GradCheck.Random(5, -1, 1, 2, 4, 4);
        mha.Apply(q, v);
        GradCheck.Check(t => mha.Apply(t[0], t[1], useCausalMask: false), [q, v]);
    }

    [Fact]
    public void TwoAttentionAxesRunOverBothPositions()
    {
        var mha = new MultiHeadAttention(2, 3, attentionAxes: [1, 2]);
        var q = GradCheck.Random(6, -1, 1, 2, 3, 4, 5);
        var (y, scores) = mha.ApplyReturningScores(q, q);
        Assert.Equal(q.Shape, y.Shape);
        Assert.Equal(new Shape(2, 2, 3, 4, 3, 4), scores.Shape);
        var s = scores.ToArray();
        Assert.Equal(1.0, s.Take(12).Sum(), 5);
    }

    [Fact]
    public void ConfigRoundTripsWithKerasKeys()
    {
        var mha = new MultiHeadAttention(4, 8, valueDim: 6, dropout: 0.1, outputShape: [5], attentionAxes: [1], kernelRegularizer: new SharpKeras.Regularizers.L2(0.1), seed: 3, name: "att");
        var config = mha.GetConfig();
        foreach (var key in new[] { "name", "trainable", "dtype", "num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape", "attention_axes",
            "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "seed" })
        {
            Assert.True(config.ContainsKey(key), $"missing {key}");
        }
        Assert.True(JsonNode.DeepEquals(config, MultiHeadAttention.FromConfig(config).GetConfig()));
        Assert.IsType<MultiHeadAttention>(KerasSerializer.Layer(KerasSerializer.Serialize(mha)));
    }

    [Fact]
    public void AFunctionalModelWithCrossAttentionSavesAndLoads()
    {
        var a = SharpKeras.Keras.Input([5, 6], name: "a");
        var b = SharpKeras.Keras.Input([7, 4], name: "b");
        var att = new MultiHeadAttention(2, 3, biasInitializer: new SharpKeras.Initializers.RandomNormal(seed: 1), name: "att").Apply(a, b);
        var model = new Model([a, b], new Dense(2).Apply(new GlobalAveragePooling1D().Apply(att)));
        var xa = GradCheck.Random(1, -1, 1, 3, 5, 6);
        var xb = GradCheck.Random(2, -1, 1, 3, 7, 4);
        var before = model.PredictOutputs([xa, xb])[0].ToArray();
        var dir = Directory.CreateTempSubdirectory("sk-mha-").FullName;
        try
        {
            foreach (var file in new[] { "m.keras", "m.h5" })
            {
                var path = Path.Combine(dir, file);
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(before, loaded.PredictOutputs([xa, xb])[0].ToArray());
            }
            var config = (JsonObject)JsonNode.Parse(model.ToJson())!;
            var node = config["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == "att")!;
            Assert.Equal(2, node["inbound_nodes"]![0]!["args"]!.AsArray().Count);
            Assert.NotNull(node["build_config"]!["shapes_dict"]!["value_shape"]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BadInputNamesTheLayerAndWhatWasExpected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHeadAttention(0, 4, name: "m0"));
        Assert.Contains("numHeads", e.Message, StringComparison.Ordinal);
        var mha = new MultiHeadAttention(2, 4, name: "att");
        var a = Assert.Throws<ArgumentException>(() => mha.Apply(GradCheck.Random(1, -1, 1, 2, 6), GradCheck.Random(1, -1, 1, 2, 6)));
        Assert.Contains("att", a.Message, StringComparison.Ordinal);
        Assert.Contains("rank >= 3", a.Message, StringComparison.Ordinal);
        var q = GradCheck.Random(1, -1, 1, 2, 3, 6);
        mha.Apply(q, q);
        a = Assert.Throws<ArgumentException>(() => mha.Apply(GradCheck.Random(1, -1, 1, 2, 3, 5), q));
        Assert.Contains("att", a.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3, 5)", a.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 3, 6)", a.Message, StringComparison.Ordinal);
        a = Assert.Throws<ArgumentException>(() => mha.Apply(q, q, attentionMask: Tensor.Ones(new Shape(3))));
        Assert.Contains("attentionMask", a.Message, StringComparison.Ordinal);
        Assert.Contains("got shape (3", a.Message, StringComparison.Ordinal);
        var axes = new MultiHeadAttention(2, 4, attentionAxes: [2], name: "ax");
        a = Assert.Throws<ArgumentException>(() => axes.Apply(q, q));
        Assert.Contains("attentionAxes", a.Message, StringComparison.Ordinal);
    }
}
