using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Attention;

/// <summary>GroupQueryAttention: Keras's sublayers and weight layouts, values against a plain computation, masks, gradients, config, saving and bad input.</summary>
public sealed class GroupQueryAttentionTests
{
    /// <summary>
    /// Plain float64 grouped-query attention from the layer's own weights; <paramref name="keep"/>(b, t, s) says which scores stay;
    /// <paramref name="zeroMasked"/> zeroes masked weights after the softmax, as Keras's masked Softmax layer (the composition),
    /// where Keras's dot_product_attention (the fused path) leaves a fully masked row uniform.
    /// </summary>
    private static double[] Reference(GroupQueryAttention gqa, Tensor query, Tensor value, Tensor key, Func<int, int, int, bool>? keep = null, bool zeroMasked = true)
    {
        int b = query.Shape[0], t = query.Shape[1], s = value.Shape[1], f = query.Shape[2], fk = key.Shape[2];
        int nq = gqa.NumQueryHeads, nkv = gqa.NumKeyValueHeads, h = gqa.HeadDim, rep = nq / nkv;
        double[] Project(Tensor x, EinsumDense d, int heads, int rows, int feats)
        {
            var xs = x.ToArray();
            var w = d.Kernel!.Value.ToArray();
            var bias = d.Bias!.Value.ToArray();
            var y = new double[b * rows * heads * h];
            for (int n = 0; n < b * rows; n++)
            {
                for (int o = 0; o < heads * h; o++)
                {
                    double acc = bias[o];
                    for (int m = 0; m < feats; m++)
                    {
                        acc += (double)xs[n * feats + m] * w[m * heads * h + o];
                    }
                    y[n * heads * h + o] = acc;
                }
            }
            return y;
        }
        var q = Project(query, gqa.QueryDense!, nq, t, f);
        var k = Project(key, gqa.KeyDense!, nkv, s, fk);
        var v = Project(value, gqa.ValueDense!, nkv, s, f);
        var combined = new double[b * t * nq * h];
        for (int n = 0; n < b; n++)
        {
            for (int u = 0; u < nq; u++)
            {
                int g = u / rep;
                for (int i = 0; i < t; i++)
                {
                    var sc = new double[s];
                    for (int j = 0; j < s; j++)
                    {
                        for (int c = 0; c < h; c++)
                        {
                            sc[j] += q[((n * t + i) * nq + u) * h + c] * k[((n * s + j) * nkv + g) * h + c];
                        }
                        sc[j] /= Math.Sqrt(h);
                        if (keep is not null && !keep(n, i, j))
                        {
                            // Keras's Softmax layer adds -1e9; its dot_product_attention replaces the logit by it (a fully masked row is then uniform).
                            sc[j] = zeroMasked ? sc[j] - 1e9 : -1e9;
                        }
                    }
                    double max = sc.Max();
                    var e = sc.Select(x => Math.Exp(x - max)).ToArray();
                    double sum = e.Sum();
                    for (int j = 0; j < s; j++)
                    {
                        double wgt = zeroMasked && keep is not null && !keep(n, i, j) ? 0 : e[j] / sum;
                        for (int c = 0; c < h; c++)
                        {
                            combined[((n * t + i) * nq + u) * h + c] += wgt * v[((n * s + j) * nkv + g) * h + c];
                        }
                    }
                }
            }
        }
        var wo = gqa.OutputDense!.Kernel!.Value.ToArray();
        var bo = gqa.OutputDense.Bias!.Value.ToArray();
        var output = new double[b * t * f];
        for (int n = 0; n < b * t; n++)
        {
            for (int m = 0; m < f; m++)
            {
                double acc = bo[m];
                for (int o = 0; o < nq * h; o++)
                {
                    acc += combined[n * nq * h + o] * wo[o * f + m];
                }
                output[n * f + m] = acc;
            }
        }
        return output;
    }

    private static void Near(double[] expected, float[] actual, double tol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"at {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static GroupQueryAttention Make(int headDim = 3, int nq = 4, int nkv = 2, double dropout = 0, int? seed = null, string? name = null) =>
        new(headDim, nq, nkv, dropout, biasInitializer: new SharpKeras.Initializers.RandomNormal(0, 0.2, 5), seed: seed, name: name);

    [Fact]
    public void SublayersHaveKerasEquationsShapesAndNames()
    {
        var gqa = Make();
        var q = GradCheck.Random(1, -1, 1, 2, 5, 6);
        var v = GradCheck.Random(2, -1, 1, 2, 7, 6);
        var k = GradCheck.Random(3, -1, 1, 2, 7, 8);
        var (y, scores) = gqa.ApplyReturningScores(q, v, k);
        Assert.Equal(q.Shape, y.Shape);
        Assert.Equal(new Shape(2, 4, 5, 7), scores.Shape);
        Assert.Equal("bqm,muh->bquh", gqa.QueryDense!.Equation);
        Assert.Equal("bkm,mvh->bkvh", gqa.KeyDense!.Equation);
        Assert.Equal("bquh,uhm->bqm", gqa.OutputDense!.Equation);
        Assert.Equal(new Shape(6, 4, 3), gqa.QueryDense.Kernel!.Shape);
        Assert.Equal(new Shape(8, 2, 3), gqa.KeyDense.Kernel!.Shape);
        Assert.Equal(new Shape(2, 3), gqa.ValueDense!.Bias!.Shape);
        Assert.Equal(new Shape(4, 3, 6), gqa.OutputDense.Kernel!.Shape);
        Assert.Equal(new Shape(6), gqa.OutputDense.Bias!.Shape);
        Assert.Equal(["query", "key", "value", "attention_output"], gqa.TrackedLayers.Take(4).Select(l => l.Name));
        Assert.Equal("grouped_query_attention", gqa.Name);
        Assert.Equal(6 * 12 + 12 + 8 * 6 + 6 + 6 * 6 + 6 + 12 * 6 + 6, gqa.CountParams());
        var noBias = new GroupQueryAttention(2, 2, 1, useBias: false);
        noBias.Apply(q, v);
        Assert.Null(noBias.QueryDense!.Bias);
    }

    [Fact]
    public void ValuesMatchAPlainComputation()
    {
        var gqa = Make();
        var q = GradCheck.Random(4, -1, 1, 2, 5, 6);
        var v = GradCheck.Random(5, -1, 1, 2, 7, 6);
        var k = GradCheck.Random(6, -1, 1, 2, 7, 8);
        var y = gqa.Apply(q, v, k);
        Near(Reference(gqa, q, v, k), y.ToArray());
        // One key/value head per query head is ordinary multi-head attention; all query heads on one is multi-query attention.
        var mqa = Make(nq: 3, nkv: 1);
        var ym = mqa.Apply(q, v).ToArray();
        Near(Reference(mqa, q, v, v), ym);
        var mha = Make(nq: 2, nkv: 2);
        var yh = mha.Apply(q, v).ToArray();
        Near(Reference(mha, q, v, v), yh);
    }

    [Fact]
    public void MasksAreAndedAsKeras()
    {
        var gqa = Make();
        var q = GradCheck.Random(7, -1, 1, 2, 4, 6);
        var v = GradCheck.Random(8, -1, 1, 2, 4, 6);
        var vm = new float[] { 1, 1, 0, 1, 1, 0, 1, 1 };
        var am = Tensor.Ones(new Shape(2, 4, 4));
        am.Span[(1 * 4 + 3) * 4 + 0] = 0f;
        var (y, scores) = gqa.ApplyReturningScores(q, v, valueMask: Tensor.FromArray(vm, 2, 4), attentionMask: am, useCausalMask: true);
        Near(Reference(gqa, q, v, v, (n, i, j) => vm[n * 4 + j] != 0 && i >= j && am.Span[(n * 4 + i) * 4 + j] != 0), y.ToArray());
        var s = scores.ToArray();
        Assert.Equal(0f, s[(0 * 4 + 3) * 4 + 2]);
        Assert.Equal(0f, s[(0 * 4 + 0) * 4 + 1]);
        // Embedding(maskZero) masks ride on the inputs and pass on to the output.
        var emb = new Embedding(10, 6, maskZero: true);
        var e = emb.Apply(Tensor.FromArray(new[] { 3, 5, 0, 0, 2, 7, 1, 0 }, 2, 4));
        var me = gqa.Apply(e, e);
        Assert.NotNull(me.KerasMask);
        var tok = new[] { 3, 5, 0, 0, 2, 7, 1, 0 };
        // Padded query rows see no key: the fused path (Keras's dot_product_attention) averages every value there, the composition gives zeros.
        Near(Reference(gqa, e, e, e, (n, i, j) => tok[n * 4 + i] != 0 && tok[n * 4 + j] != 0, zeroMasked: false), me.ToArray());
        var composed = new GroupQueryAttention(3, 4, 2, flashAttention: false);
        composed.EnsureBuilt([e.Shape, e.Shape]);
        for (int i = 0; i < composed.Weights.Count; i++)
        {
            composed.Weights[i].Assign(gqa.Weights[i].Value);
        }
        Near(Reference(gqa, e, e, e, (n, i, j) => tok[n * 4 + i] != 0 && tok[n * 4 + j] != 0), composed.Apply(e, e).ToArray());
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var gqa = Make(headDim: 2, nq: 2, nkv: 1);
        var q = GradCheck.Random(9, -1, 1, 2, 3, 4);
        var v = GradCheck.Random(10, -1, 1, 2, 4, 4);
        gqa.Apply(q, v);
        GradCheck.Check(t => gqa.Apply(t[0], t[1], useCausalMask: true), [q, v]);
    }

    [Fact]
    public void DropoutActsOnlyInTrainingAndIsSeeded()
    {
        var q = GradCheck.Random(11, -1, 1, 2, 6, 4);
        var a = Make(nq: 2, nkv: 1, dropout: 0.5, seed: 3);
        var inference = a.Apply(q, q).ToArray();
        Near(Reference(a, q, q, q), inference);
        Assert.NotEqual(inference, a.Apply(q, q, training: true).ToArray());
    }

    [Fact]
    public void ConfigRoundTripsWithKerasKeys()
    {
        var gqa = new GroupQueryAttention(8, 4, 2, dropout: 0.1, useBias: false, kernelRegularizer: new SharpKeras.Regularizers.L2(0.1), seed: 3, name: "gqa");
        var config = gqa.GetConfig();
        foreach (var key in new[] { "name", "trainable", "dtype", "head_dim", "num_query_heads", "num_key_value_heads", "use_bias", "dropout",
            "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "seed" })
        {
            Assert.True(config.ContainsKey(key), $"missing {key}");
        }
        Assert.True(JsonNode.DeepEquals(config, GroupQueryAttention.FromConfig(config).GetConfig()));
        Assert.IsType<GroupQueryAttention>(KerasSerializer.Layer(KerasSerializer.Serialize(gqa)));
        // Keras writes the class as GroupedQueryAttention.
        var env = KerasSerializer.Serialize(gqa);
        env["class_name"] = "GroupedQueryAttention";
        Assert.IsType<GroupQueryAttention>(KerasSerializer.Layer(env));
    }

    [Fact]
    public void AFunctionalModelSavesAndLoads()
    {
        var a = SharpKeras.Keras.Input([5, 6], name: "a");
        var b = SharpKeras.Keras.Input([7, 6], name: "b");
        var att = Make(name: "gqa").Apply(a, b);
        var model = new Model([a, b], new Dense(2).Apply(new GlobalAveragePooling1D().Apply(att)));
        var xa = GradCheck.Random(1, -1, 1, 3, 5, 6);
        var xb = GradCheck.Random(2, -1, 1, 3, 7, 6);
        var before = model.PredictOutputs([xa, xb])[0].ToArray();
        var dir = Directory.CreateTempSubdirectory("sk-gqa-").FullName;
        try
        {
            foreach (var file in new[] { "m.keras", "m.h5" })
            {
                var path = Path.Combine(dir, file);
                model.Save(path);
                Assert.Equal(before, Model.Load(path).PredictOutputs([xa, xb])[0].ToArray());
            }
            var config = (JsonObject)JsonNode.Parse(model.ToJson())!;
            var node = config["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == "gqa")!;
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
        var e = Assert.Throws<ArgumentException>(() => new GroupQueryAttention(4, 3, 2, name: "g0"));
        Assert.Contains("g0", e.Message, StringComparison.Ordinal);
        Assert.Contains("divisible", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupQueryAttention(0, 2, 1));
        var gqa = Make(name: "gqa");
        e = Assert.Throws<ArgumentException>(() => gqa.Apply(GradCheck.Random(1, -1, 1, 2, 3, 6), GradCheck.Random(1, -1, 1, 2, 3, 5)));
        Assert.Contains("gqa", e.Message, StringComparison.Ordinal);
        Assert.Contains("6 vs 5", e.Message, StringComparison.Ordinal);
        var q = GradCheck.Random(1, -1, 1, 2, 3, 6);
        e = Assert.Throws<ArgumentException>(() => Make(name: "r").Apply(GradCheck.Random(1, -1, 1, 2, 6), GradCheck.Random(1, -1, 1, 2, 6)));
        Assert.Contains("rank 3", e.Message, StringComparison.Ordinal);
        gqa.Apply(q, q);
        e = Assert.Throws<ArgumentException>(() => gqa.Apply(q, q, valueMask: Tensor.Ones(new Shape(2, 4))));
        Assert.Contains("valueMask must be shaped (2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("got (2, 4)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => gqa.Apply(GradCheck.Random(1, -1, 1, 2, 3, 5), GradCheck.Random(1, -1, 1, 2, 3, 5)));
        Assert.Contains("(None, 3, 6)", e.Message, StringComparison.Ordinal);
    }
}
