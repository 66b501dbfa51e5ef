using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using DotAttention = SharpKeras.Layers.Attention;

namespace SharpKeras.Tests.Layers.Attention;

/// <summary>Attention and AdditiveAttention: values against a plain NumPy-style computation, masks, gradients, config, saving and bad input.</summary>
public sealed class AttentionTests
{
    /// <summary>Plain float64 attention: scores by <paramref name="score"/>(b, i, j), value mask subtracts 1e9, softmax, weighted value sum, query mask zeroes rows.</summary>
    private static (double[] Output, double[] Weights) Reference(Tensor q, Tensor v, Tensor k, Func<int, int, int, double> score, float[]? valueMask = null, float[]? queryMask = null, bool causal = false)
    {
        int b = q.Shape[0], tq = q.Shape[1], tv = v.Shape[1], dv = v.Shape[2];
        var vs = v.ToArray();
        var output = new double[b * tq * dv];
        var weights = new double[b * tq * tv];
        for (int n = 0; n < b; n++)
        {
            for (int i = 0; i < tq; i++)
            {
                var s = new double[tv];
                for (int j = 0; j < tv; j++)
                {
                    s[j] = score(n, i, j);
                    bool keep = (valueMask is null || valueMask[n * tv + j] != 0) && (!causal || i >= j);
                    if (!keep)
                    {
                        s[j] -= 1e9;
                    }
                }
                double max = s.Max();
                var e = s.Select(x => Math.Exp(x - max)).ToArray();
                double sum = e.Sum();
                for (int j = 0; j < tv; j++)
                {
                    weights[(n * tq + i) * tv + j] = e[j] / sum;
                    for (int c = 0; c < dv; c++)
                    {
                        output[(n * tq + i) * dv + c] += e[j] / sum * vs[(n * tv + j) * dv + c];
                    }
                }
                if (queryMask is not null && queryMask[n * tq + i] == 0)
                {
                    Array.Clear(output, (n * tq + i) * dv, dv);
                }
            }
        }
        return (output, weights);
    }

    private static void Near(double[] expected, float[] actual, double tol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"at {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void DotScoresWithScaleMatchAPlainComputation()
    {
        var layer = new DotAttention(useScale: true);
        var q = GradCheck.Random(1, -1, 1, 2, 3, 4);
        var v = GradCheck.Random(2, -1, 1, 2, 5, 6);
        var k = GradCheck.Random(3, -1, 1, 2, 5, 4);
        layer.Apply(q, v, k);
        Assert.Equal(Shape.Scalar, layer.Scale!.Value.Shape);
        Assert.Equal(1f, layer.Scale.Value.ToArray()[0]);
        Assert.Null(layer.ConcatScoreWeight);
        layer.Scale.Assign(Tensor.Scalar(0.7f));
        var (y, w) = layer.ApplyReturningScores(q, v, k);
        Assert.Equal(new Shape(2, 3, 6), y.Shape);
        Assert.Equal(new Shape(2, 3, 5), w.Shape);
        var qs = q.ToArray();
        var ks = k.ToArray();
        double Dot(int n, int i, int j) => 0.7 * Enumerable.Range(0, 4).Sum(c => (double)qs[(n * 3 + i) * 4 + c] * ks[(n * 5 + j) * 4 + c]);
        var (eo, ew) = Reference(q, v, k, Dot);
        Near(eo, y.ToArray());
        Near(ew, w.ToArray());
        Assert.Equal(new Shape(2, 3, 6), layer.ComputeOutputShape([q.Shape, v.Shape, k.Shape]));
    }

    [Fact]
    public void ConcatScoresMatchAPlainComputation()
    {
        var layer = new DotAttention(useScale: true, scoreMode: "concat");
        var q = GradCheck.Random(4, -1, 1, 2, 3, 4);
        var v = GradCheck.Random(5, -1, 1, 2, 5, 4);
        layer.Apply(q, v);
        Assert.Equal(["scale", "concat_score_weight"], layer.Weights.Select(x => x.Name));
        layer.Scale!.Assign(Tensor.Scalar(0.5f));
        layer.ConcatScoreWeight!.Assign(Tensor.Scalar(1.5f));
        var (y, w) = layer.ApplyReturningScores(q, v);
        var qs = q.ToArray();
        var ks = v.ToArray();
        double Concat(int n, int i, int j) => 1.5 * Enumerable.Range(0, 4).Sum(c => Math.Tanh(0.5 * ((double)qs[(n * 3 + i) * 4 + c] + ks[(n * 5 + j) * 4 + c])));
        var (eo, ew) = Reference(q, v, v, Concat);
        Near(eo, y.ToArray());
        Near(ew, w.ToArray());
    }

    [Fact]
    public void AdditiveScoresMatchAPlainComputation()
    {
        var layer = new AdditiveAttention(name: "add");
        var q = GradCheck.Random(6, -1, 1, 2, 3, 4);
        var v = GradCheck.Random(7, -1, 1, 2, 5, 4);
        var (y, w) = layer.ApplyReturningScores(q, v);
        Assert.Equal(new Shape(4), layer.Scale!.Value.Shape);
        Assert.Single(layer.Weights);
        var sc = layer.Scale.Value.ToArray();
        var qs = q.ToArray();
        var ks = v.ToArray();
        double Additive(int n, int i, int j) => Enumerable.Range(0, 4).Sum(c => sc[c] * Math.Tanh((double)qs[(n * 3 + i) * 4 + c] + ks[(n * 5 + j) * 4 + c]));
        var (eo, ew) = Reference(q, v, v, Additive);
        Near(eo, y.ToArray());
        Near(ew, w.ToArray());
        var unscaled = new AdditiveAttention(useScale: false);
        var (y2, _) = unscaled.ApplyReturningScores(q, v);
        Assert.Empty(unscaled.Weights);
        Near(Reference(q, v, v, (n, i, j) => Enumerable.Range(0, 4).Sum(c => Math.Tanh((double)qs[(n * 3 + i) * 4 + c] + ks[(n * 5 + j) * 4 + c]))).Output, y2.ToArray());
    }

    [Fact]
    public void QueryValueAndCausalMasksAsKeras()
    {
        var layer = new DotAttention();
        var q = GradCheck.Random(8, -1, 1, 2, 4, 3);
        var v = GradCheck.Random(9, -1, 1, 2, 4, 3);
        var vm = new float[] { 1, 1, 0, 1, 1, 0, 0, 0 };
        var qm = new float[] { 1, 0, 1, 1, 1, 1, 1, 0 };
        var (y, w) = layer.ApplyReturningScores(q, v, queryMask: Tensor.FromArray(qm, 2, 4), valueMask: Tensor.FromArray(vm, 2, 4), useCausalMask: true);
        var qs = q.ToArray();
        var ks = v.ToArray();
        double Dot(int n, int i, int j) => Enumerable.Range(0, 3).Sum(c => (double)qs[(n * 4 + i) * 3 + c] * ks[(n * 4 + j) * 3 + c]);
        var (eo, ew) = Reference(q, v, v, Dot, vm, qm, causal: true);
        Near(eo, y.ToArray());
        Near(ew, w.ToArray());
        Assert.NotNull(y.KerasMask);
        // Masked and later source positions get no weight at all.
        var ws = w.ToArray();
        Assert.Equal(0f, ws[(0 * 4 + 3) * 4 + 2]);
        Assert.Equal(0f, ws[(0 * 4 + 1) * 4 + 2]);
    }

    [Fact]
    public void EmbeddingMasksReachTheLayer()
    {
        var emb = new Embedding(10, 4, maskZero: true);
        var layer = new AdditiveAttention();
        var tokens = Tensor.FromArray(new[] { 3, 5, 0, 0, 2, 7, 1, 0 }, 2, 4);
        var e = emb.Apply(tokens);
        var (y, w) = layer.ApplyReturningScores(e, e);
        Assert.NotNull(y.KerasMask);
        var ys = y.ToArray();
        Assert.All(ys.Skip(2 * 4).Take(8), x => Assert.Equal(0f, x));
        Assert.Equal(0f, w.ToArray()[2]);
        Assert.Equal(0f, w.ToArray()[3]);
    }

    [Fact]
    public void DropoutActsOnlyInTrainingAndIsSeeded()
    {
        var q = GradCheck.Random(10, -1, 1, 2, 6, 4);
        var a = new DotAttention(dropout: 0.5, seed: 3);
        var b = new DotAttention(dropout: 0.5, seed: 3);
        var inference = new DotAttention().Apply(q, q).ToArray();
        Assert.Equal(inference, a.Apply(q, q).ToArray());
        var t1 = a.Apply(q, q, training: true).ToArray();
        Assert.NotEqual(inference, t1);
        Assert.Equal(t1, b.Apply(q, q, training: true).ToArray());
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var q = GradCheck.Random(11, -1, 1, 2, 3, 4);
        var v = GradCheck.Random(12, -1, 1, 2, 4, 4);
        var k = GradCheck.Random(13, -1, 1, 2, 4, 4);
        var dot = new DotAttention(useScale: true);
        var concat = new DotAttention(scoreMode: "concat");
        var additive = new AdditiveAttention();
        var vm = Tensor.FromArray(new float[] { 1, 1, 0, 1, 1, 1, 1, 0 }, 2, 4);
        GradCheck.Check(t => dot.Apply(t[0], t[1], t[2], valueMask: vm), [q, v, k]);
        GradCheck.Check(t => concat.Apply(t[0], t[1], useCausalMask: true), [q, v]);
        GradCheck.Check(t => additive.Apply(t[0], t[1], t[2]), [q, v, k]);
    }

    [Fact]
    public void ConfigRoundTripsWithKerasKeys()
    {
        var layer = new DotAttention(useScale: true, scoreMode: "concat", dropout: 0.25, seed: 4, name: "att");
        var config = layer.GetConfig();
        foreach (var key in new[] { "name", "trainable", "dtype", "use_scale", "score_mode", "dropout", "seed" })
        {
            Assert.True(config.ContainsKey(key), $"missing {key}");
        }
        Assert.True(JsonNode.DeepEquals(config, DotAttention.FromConfig(config).GetConfig()));
        Assert.IsType<DotAttention>(KerasSerializer.Layer(KerasSerializer.Serialize(layer)));
        var additive = new AdditiveAttention(useScale: false, dropout: 0.1, seed: 2);
        var ac = additive.GetConfig();
        Assert.False(ac.ContainsKey("score_mode"));
        Assert.Equal("additive_attention", ac["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(ac, AdditiveAttention.FromConfig(ac).GetConfig()));
        Assert.IsType<AdditiveAttention>(KerasSerializer.Layer(KerasSerializer.Serialize(additive)));
        // Keras's own config for AdditiveAttention, as keras.layers.AdditiveAttention().get_config() writes it.
        var keras = (JsonObject)JsonNode.Parse("""{"name": "additive_attention", "trainable": true, "dtype": "float32", "use_scale": true, "dropout": 0.0, "seed": null}""")!;
        Assert.True(AdditiveAttention.FromConfig(keras).UseScale);
    }

    [Fact]
    public void AFunctionalModelWithAttentionSavesAndLoads()
    {
        var a = SharpKeras.Keras.Input([5, 4], name: "a");
        var b = SharpKeras.Keras.Input([7, 4], name: "b");
        var x = new DotAttention(useScale: true, scoreMode: "concat", name: "att").Apply(a, b);
        var z = new AdditiveAttention(name: "add").Apply(x, b, b);
        var model = new Model([a, b], new Dense(2).Apply(new GlobalAveragePooling1D().Apply(z)));
        var xa = GradCheck.Random(1, -1, 1, 3, 5, 4);
        var xb = GradCheck.Random(2, -1, 1, 3, 7, 4);
        var before = model.PredictOutputs([xa, xb])[0].ToArray();
        var dir = Directory.CreateTempSubdirectory("sk-att-").FullName;
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
            Assert.Equal("Attention", node["class_name"]!.GetValue<string>());
            Assert.Equal(2, node["build_config"]!["input_shape"]!.AsArray().Count);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BadInputNamesTheLayerAndWhatWasExpected()
    {
        var e = Assert.Throws<ArgumentException>(() => new DotAttention(scoreMode: "cosine", name: "att0"));
        Assert.Contains("att0", e.Message, StringComparison.Ordinal);
        Assert.Contains("'cosine'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdditiveAttention(dropout: 1.5));
        var layer = new DotAttention(name: "att");
        var q = GradCheck.Random(1, -1, 1, 2, 3, 4);
        e = Assert.Throws<ArgumentException>(() => layer.Apply(q, GradCheck.Random(2, -1, 1, 2, 5, 3)));
        Assert.Contains("att", e.Message, StringComparison.Ordinal);
        Assert.Contains("4 vs 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => layer.Apply(q));
        Assert.Contains("att", e.Message, StringComparison.Ordinal);
        Assert.Contains("[query, value]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => layer.Apply(q, q, valueMask: Tensor.Ones(new Shape(2, 4))));
        Assert.Contains("value mask must be shaped (2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 4)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => layer.Apply(q, GradCheck.Random(2, -1, 1, 2, 5, 4), GradCheck.Random(2, -1, 1, 2, 6, 4)));
        Assert.Contains("5 vs 6", e.Message, StringComparison.Ordinal);
    }
}
