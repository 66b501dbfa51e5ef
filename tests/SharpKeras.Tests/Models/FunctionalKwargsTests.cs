using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using SharpKeras.Training;

namespace SharpKeras.Tests.Models;

/// <summary>Functional calls with keyword arguments (tensors and constants) and several outputs: MHA masks and scores, RNN states, nested models.</summary>
public sealed class FunctionalKwargsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-nodekw-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // (batch, 6, 8) tokens and a (batch, 6, 6) attention mask into a causal, masked MHA returning its scores.
    private static Model MaskedCausalModel()
    {
        var x = Keras.Input([6, 8], name: "tokens");
        var m = Keras.Input([6, 6], name: "mask");
        var (att, scores) = new MultiHeadAttention(2, 4, name: "mha").ApplyReturningScores(x, x, attentionMask: m, useCausalMask: true);
        var y = new Dense(3, name: "head").Apply(new Add(name: "residual").Apply([x, att]));
        return new Model([x, m], [y, scores], "masked_causal");
    }

    private static Tensor[] MaskedData(int n, int seed)
    {
        var mask = new float[n * 36];
        var rng = new Random(seed);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = i % 6 == 0 || rng.NextDouble() < 0.7 ? 1f : 0f;
        }
        return [GradCheck.Random(seed, -1, 1, n, 6, 8), Tensor.FromArray(mask, n, 6, 6)];
    }

    private static JsonObject NodeOf(JsonObject config, string layer) =>
        (JsonObject)config["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == layer)!["inbound_nodes"]![0]!;

    [Theory]
    [InlineData("m.keras")]
    [InlineData("m.h5")]
    public void MaskedCausalAttentionWithScoresRoundTripsBitIdentical(string file)
    {
        Config.SetRandomSeed(21);
        var model = MaskedCausalModel();
        var x = MaskedData(3, 5);
        var before = model.PredictOutputs(x, verbose: 0);
        Assert.Equal(new Shape(3, 2, 6, 6), before[1].Shape);
        var path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = Model.Load(path);
        var after = loaded.PredictOutputs(x, verbose: 0);
        Assert.Equal(before[0].ToArray(), after[0].ToArray());
        Assert.Equal(before[1].ToArray(), after[1].ToArray());
        Assert.Equal(model.ToConfig().ToJsonString(), loaded.ToConfig().ToJsonString());
    }

    [Fact]
    public void ConfigRecordsKwargsAndTensorIndicesAsKerasWritesThem()
    {
        Config.SetRandomSeed(22);
        var cfg = MaskedCausalModel().ToConfig();
        var node = NodeOf(cfg, "mha");
        // Keras 3's node: {"args": [query, value], "kwargs": {"attention_mask": tensor, "return_attention_scores": true, "use_causal_mask": true}}.
        Assert.Equal(2, node["args"]!.AsArray().Count);
        Assert.Equal("""["tokens",0,0]""", node["args"]![1]!["config"]!["keras_history"]!.ToJsonString());
        var kwargs = node["kwargs"]!.AsObject();
        Assert.Equal(["attention_mask", "return_attention_scores", "use_causal_mask"], kwargs.Select(kv => kv.Key));
        Assert.Equal("__keras_tensor__", kwargs["attention_mask"]!["class_name"]!.GetValue<string>());
        Assert.Equal("""{"shape":[null,6,6],"dtype":"float32","keras_history":["mask",0,0]}""", kwargs["attention_mask"]!["config"]!.ToJsonString());
        Assert.True(kwargs["return_attention_scores"]!.GetValue<bool>());
        Assert.True(kwargs["use_causal_mask"]!.GetValue<bool>());
        Assert.Equal("""[["head",0,0],["mha",0,1]]""", cfg["config"]!["output_layers"]!.ToJsonString());
        Assert.Equal("""["mha",0,0]""", NodeOf(cfg, "residual")["args"]![0]![1]!["config"]!["keras_history"]!.ToJsonString());
    }

    [Fact]
    public void SummaryListsEachOutputAndTheMaskInput()
    {
        Config.SetRandomSeed(23);
        string text = "";
        MaskedCausalModel().Summary(t => text = t, 140);
        Assert.Contains("[(None, 6, 8), (None, 2, 6, 6)]", text);
        // Keras's "Connected to" lists the keyword argument's tensor after the positional ones (wrapped here by the column width).
        Assert.Contains("│ tokens[0][0], tokens[0][0],", text);
        Assert.Contains("│ mask[0][0] ", text);
    }

    [Fact]
    public void CausalFunctionalCallEqualsTheEagerCall()
    {
        Config.SetRandomSeed(24);
        var x = Keras.Input([5, 8]);
        var mha = new MultiHeadAttention(2, 4);
        var model = new Model(x, mha.Apply(x, x, useCausalMask: true));
        var data = GradCheck.Random(3, -1, 1, 4, 5, 8);
        var eager = mha.Apply(data, data, useCausalMask: true).ToArray();
        Assert.Equal(eager, model.Predict(data, verbose: 0).ToArray());
        // The causal flag changes the result (the plain call attends to later positions).
        Assert.NotEqual(eager, mha.Apply(data, data).ToArray());
    }

    [Fact]
    public void GroupQueryAttentionScoresAndCausalMaskMatchTheEagerCallAndReload()
    {
        Config.SetRandomSeed(31);
        var x = Keras.Input([5, 8], name: "tokens");
        var gqa = new GroupQueryAttention(4, 4, 2, name: "gqa");
        var (y, scores) = gqa.ApplyReturningScores(x, x, useCausalMask: true);
        Assert.Equal(new Shape(-1, 4, 5, 5), scores.Shape);
        var model = new Model(x, [y, scores]);
        var data = GradCheck.Random(6, -1, 1, 3, 5, 8);
        var (eagerY, eagerScores) = gqa.ApplyReturningScores(data, data, useCausalMask: true);
        var predicted = model.PredictOutputs([data], verbose: 0);
        Assert.Equal(eagerY.ToArray(), predicted[0].ToArray());
        Assert.Equal(eagerScores.ToArray(), predicted[1].ToArray());
        var cfg = model.ToConfig();
        Assert.Equal("""{"return_attention_scores":true,"use_causal_mask":true}""", NodeOf(cfg, "gqa")["kwargs"]!.ToJsonString());
        var loaded = Model.FromConfig(cfg);
        loaded.SetWeights(model.GetWeights());
        var again = loaded.PredictOutputs([data], verbose: 0);
        Assert.Equal(predicted[1].ToArray(), again[1].ToArray());
    }

    [Fact]
    public void PlainAttentionCallKeepsItsNodeWithoutKwargs()
    {
        var x = Keras.Input([5, 8]);
        var model = new Model(x, new MultiHeadAttention(2, 4, name: "mha").Apply(x, x));
        Assert.Equal("{}", NodeOf(model.ToConfig(), "mha")["kwargs"]!.ToJsonString());
        // A call on a list (Keras's mha([q, v])) still loads as the list it was.
        var y = Keras.Input([5, 8]);
        var listed = new Model(y, new MultiHeadAttention(2, 4, name: "mha").Apply([y, y]));
        var cfg = listed.ToConfig();
        Assert.Equal(cfg.ToJsonString(), Model.FromConfig(cfg).ToConfig().ToJsonString());
    }

    private static Model CausalRegressor()
    {
        var x = Keras.Input([6, 4]);
        var h = new Dense(8, name: "proj").Apply(x);
        var a = new MultiHeadAttention(2, 4, name: "mha").Apply(h, h, useCausalMask: true);
        var model = new Model(x, new Dense(1, name: "out").Apply(new GlobalAveragePooling1D().Apply(a)));
        model.Compile(new SharpKeras.Optimizers.Adam(0.02), "mse");
        return model;
    }

    [Fact]
    public void CausalFunctionalModelTrainsAndReplaysAsRecordedAfresh()
    {
        Config.SetRandomSeed(25);
        var x = GradCheck.Random(7, -1, 1, 64, 6, 4);
        var y = Ops.Sum(Ops.Reshape(x, [64, 24]), axis: 1, keepDims: true);
        var history = CausalRegressor().Fit(x, y, batchSize: 16, epochs: 6, verbose: 0, shuffle: false);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.5, $"loss {string.Join(", ", history["loss"])}");

        Config.SetRandomSeed(26);
        var a = CausalRegressor();
        Config.SetRandomSeed(26);
        var b = CausalRegressor();
        for (int s = 0; s < 4; s++)
        {
            var pa = TrainStepPlan.For(a, x, y, 16);
            pa.LoadSlice(x, y, s * 16);
            pa.Run();
            b.TrainPlans.Clear();
            var pb = TrainStepPlan.For(b, x, y, 16);
            pb.LoadSlice(x, y, s * 16);
            pb.Run();
        }
        for (int i = 0; i < a.Weights.Count; i++)
        {
            Assert.Equal(b.Weights[i].Value.ToArray(), a.Weights[i].Value.ToArray());
        }
    }

    // An encoder LSTM returning its states, which start a decoder LSTM on a second input.
    private static Model EncoderDecoder()
    {
        var src = Keras.Input([5, 3], name: "src");
        var tgt = Keras.Input([4, 3], name: "tgt");
        var (_, states) = new LSTM(4, returnState: true, name: "encoder").Apply(src, null);
        var (seq, _) = new LSTM(4, returnSequences: true, name: "decoder").Apply(tgt, states);
        return new Model([src, tgt], [seq, states[0], states[1]], "seq2seq");
    }

    [Theory]
    [InlineData("s.keras")]
    [InlineData("s.h5")]
    public void LstmStatesAndInitialStateRoundTripBitIdentical(string file)
    {
        Config.SetRandomSeed(27);
        var model = EncoderDecoder();
        Tensor[] x = [GradCheck.Random(1, -1, 1, 2, 5, 3), GradCheck.Random(2, -1, 1, 2, 4, 3)];
        var before = model.PredictOutputs(x, verbose: 0);
        var encoder = (LSTM)model.Layers.First(l => l.Name == "encoder");
        var decoder = (LSTM)model.Layers.First(l => l.Name == "decoder");
        var (_, h) = encoder.Apply(x[0], null);
        var (eagerSeq, _) = decoder.Apply(x[1], h);
        Assert.Equal(h[0].ToArray(), before[1].ToArray());
        Assert.Equal(h[1].ToArray(), before[2].ToArray());
        Assert.Equal(eagerSeq.ToArray(), before[0].ToArray());
        var path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = Model.Load(path);
        var after = loaded.PredictOutputs(x, verbose: 0);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(before[k].ToArray(), after[k].ToArray());
        }
        var cfg = loaded.ToConfig();
        Assert.Equal("""[["decoder",0,0],["encoder",0,1],["encoder",0,2]]""", cfg["config"]!["output_layers"]!.ToJsonString());
        var initial = NodeOf(cfg, "decoder")["kwargs"]!["initial_state"]!.AsArray();
        Assert.Equal(["""["encoder",0,1]""", """["encoder",0,2]"""], initial.Select(t => t!["config"]!["keras_history"]!.ToJsonString()));
        Assert.Equal("{}", NodeOf(cfg, "encoder")["kwargs"]!.ToJsonString());
        string text = "";
        loaded.Summary(t => text = t, 140);
        Assert.Contains("[(None, 4), (None, 4), (None, 4)]", text);
        Assert.Contains("│ tgt[0][0], encoder[0][1],", text);
        Assert.Contains("│ encoder[0][2] ", text);
    }

    [Fact]
    public void NestedModelWithSeveralOutputsIsCalledOnSymbolicTensors()
    {
        Config.SetRandomSeed(28);
        var ei = Keras.Input([4]);
        var h = new Dense(6, activation: "tanh").Apply(ei);
        var encoder = new Model(ei, [new Dense(3, name: "z_mean").Apply(h), new Dense(3, name: "z_log_var").Apply(h)], "encoder");
        var x = Keras.Input([4], name: "x");
        var outs = encoder.CallOutputs([x]);
        Assert.Equal(2, outs.Length);
        Assert.Equal(1, outs[1].TensorIndex);
        var model = new Model(x, new Subtract(name: "diff").Apply([outs[0], outs[1]]), "outer");
        var data = GradCheck.Random(4, -1, 1, 5, 4);
        var parts = encoder.CallOutputs([data]);
        var expected = Ops.Subtract(parts[0], parts[1]).ToArray();
        Assert.Equal(expected, model.Predict(data, verbose: 0).ToArray());
        var path = Path.Combine(_dir, "nested.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(expected, loaded.Predict(data, verbose: 0).ToArray());
        var diffArgs = NodeOf(loaded.ToConfig(), "diff")["args"]![0]!.AsArray();
        Assert.Equal(["""["encoder",0,0]""", """["encoder",0,1]"""], diffArgs.Select(t => t!["config"]!["keras_history"]!.ToJsonString()));
    }

    [Fact]
    public void AttentionMaskOfTheWrongShapeNamesTheLayer()
    {
        var x = Keras.Input([6, 8]);
        var m = Keras.Input([6, 5]);
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 4, name: "my_mha").Apply(x, x, attentionMask: m));
        Assert.Contains("my_mha", e.Message);
        Assert.Contains("attention_mask", e.Message);
        Assert.Contains("(None, 6, 6)", e.Message);
    }

    [Fact]
    public void UnknownKwargInAConfigNamesTheLayerAndArgument()
    {
        Config.SetRandomSeed(29);
        var cfg = MaskedCausalModel().ToConfig();
        ((JsonObject)NodeOf(cfg, "head")["kwargs"]!)["dropout_rate"] = 0.5;
        var e = Assert.Throws<ConfigException>(() => Model.FromConfig(cfg));
        Assert.Contains("'head'", e.Message);
        Assert.Contains("dropout_rate", e.Message);
        var cfg2 = MaskedCausalModel().ToConfig();
        ((JsonObject)NodeOf(cfg2, "mha")["kwargs"]!)["query_mask"] = null;
        var e2 = Assert.Throws<ConfigException>(() => Model.FromConfig(cfg2));
        Assert.Contains("'mha'", e2.Message);
        Assert.Contains("query_mask", e2.Message);
    }

    [Fact]
    public void Keras2NodesWithTensorKwargsLoad()
    {
        Config.SetRandomSeed(30);
        var model = MaskedCausalModel();
        var cfg = model.ToConfig();
        // Keras 2 writes [[query, node, tensor, {"value": [...], "attention_mask": [...], ...}]], tensors as [layer, node, tensor].
        var mha = cfg["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == "mha")!.AsObject();
        mha["inbound_nodes"] = JsonNode.Parse("""
            [[["tokens", 0, 0, {"value": ["tokens", 0, 0], "attention_mask": ["mask", 0, 0], "return_attention_scores": true, "use_causal_mask": true}]]]
            """);
        var x = MaskedData(2, 8);
        var expected = model.PredictOutputs(x, verbose: 0);
        var loaded = Model.FromConfig(cfg);
        loaded.SetWeights(model.GetWeights());
        var actual = loaded.PredictOutputs(x, verbose: 0);
        Assert.Equal(expected[0].ToArray(), actual[0].ToArray());
        Assert.Equal(expected[1].ToArray(), actual[1].ToArray());

        // Keras 3 with every tensor by keyword (keras-io's mha(query=x, value=x, key=x, use_causal_mask=True)): no positional args.
        var cfg3 = model.ToConfig();
        var node = NodeOf(cfg3, "mha");
        var query = node["args"]![0]!.DeepClone();
        var kwargs = (JsonObject)node["kwargs"]!.DeepClone();
        var byName = new JsonObject { ["query"] = query, ["value"] = query.DeepClone(), ["key"] = query.DeepClone() };
        foreach (var (k, v) in kwargs)
        {
            byName[k] = v?.DeepClone();
        }
        node["args"] = new JsonArray();
        node["kwargs"] = byName;
        var loaded3 = Model.FromConfig(cfg3);
        loaded3.SetWeights(model.GetWeights());
        var actual3 = loaded3.PredictOutputs(x, verbose: 0);
        Assert.Equal(expected[0].ToArray(), actual3[0].ToArray());
        Assert.Equal(expected[1].ToArray(), actual3[1].ToArray());
    }
}
