using System.Text.Json.Nodes;
using SharpKeras.Callbacks;
using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Models;

/// <summary>The functional API: graphs of layers from Keras.Input, shared layers, several inputs and outputs, nesting.</summary>
public class FunctionalTests
{
    [Fact]
    public void SharedLayerCalledTwiceHasTwoNodesAndOneSetOfWeights()
    {
        var a = Keras.Input([4], name: "left");
        var b = Keras.Input([4], name: "right");
        var shared = new Dense(3, name: "shared");
        var sa = shared.Apply(a);
        var sb = shared.Apply(b);
        Assert.Equal(0, sa.NodeIndex);
        Assert.Equal(1, sb.NodeIndex);
        var model = new Model([a, b], new Subtract(name: "diff").Apply([sa, sb]), "siamese");
        Assert.Equal(["left", "right", "shared", "diff"], model.Layers.Select(l => l.Name));
        Assert.Equal(2, model.Weights.Count);
        var x = GradCheck.Random(1, -1, 1, 2, 4);
        Assert.All(model.PredictOutputs([x, x], verbose: 0)[0].ToArray(), v => Assert.Equal(0f, v));
        string text = "";
        model.Summary(t => text = t, 100);
        Assert.Contains("left[0][0], right[0][0]", text);
        Assert.Contains("shared[0][0],", text);
        Assert.Contains("shared[1][0]", text);
        Assert.Contains("multiple", text);
        Assert.Contains("Connected to", text);
        // The saved config keeps both calls.
        var cfg = model.ToConfig();
        var sharedCfg = cfg["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == "shared")!;
        Assert.Equal(2, sharedCfg["inbound_nodes"]!.AsArray().Count);
        var again = Model.FromConfig(cfg);
        again.SetWeights(model.GetWeights());
        Assert.Equal(model.PredictOutputs([x, GradCheck.Random(2, -1, 1, 2, 4)], verbose: 0)[0].ToArray(),
            again.PredictOutputs([x, GradCheck.Random(2, -1, 1, 2, 4)], verbose: 0)[0].ToArray());
    }

    [Fact]
    public void UnnamedLayersAreNamedPerModelAndDuplicatesRejected()
    {
        var input = Keras.Input([2]);
        var model = new Model(input, new Dense(1).Apply(new Dense(3).Apply(input)));
        Assert.Equal(["input_layer", "dense", "dense_1"], model.Layers.Select(l => l.Name));
        Assert.Equal("functional", model.Name);
        var i2 = Keras.Input([2]);
        var e = Assert.Throws<ArgumentException>(() => new Model(i2, new Dense(1, name: "same").Apply(new Dense(2, name: "same").Apply(i2))));
        Assert.Contains("same", e.Message);
    }

    [Fact]
    public void DisconnectedGraphIsReported()
    {
        var a = Keras.Input([2], name: "a");
        var b = Keras.Input([2], name: "b");
        var y = new Add().Apply([a, b]);
        var e = Assert.Throws<ArgumentException>(() => new Model(a, y));
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void MultiOutputFitUsesPerOutputLossesAndWeights()
    {
        Config.SetRandomSeed(11);
        var a = Keras.Input([3]);
        var b = Keras.Input([2]);
        var h = new Dense(8, activation: "relu").Apply(new Concatenate().Apply([a, b]));
        var cls = new Dense(2, activation: "softmax", name: "cls").Apply(h);
        var reg = new Dense(1, name: "reg").Apply(h);
        var model = new Model([a, b], [cls, reg]);
        model.Compile("adam", ["sparse_categorical_crossentropy", "mse"], [1.0, 0.25], ["accuracy"]);
        var xa = GradCheck.Random(1, -1, 1, 40, 3);
        var xb = GradCheck.Random(2, -1, 1, 40, 2);
        var ya = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => xa.ToArray()[i * 3] > 0 ? 1 : 0).ToArray(), 40);
        var yb = GradCheck.Random(3, 0, 1, 40, 1);
        var before = model.Evaluate([xa, xb], [ya, yb], verbose: 0);
        Assert.Equal(before["cls_loss"] + 0.25 * before["reg_loss"], before["loss"], 5);
        Assert.Contains("cls_accuracy", before.Values.Keys);
        var history = model.Fit([xa, xb], [ya, yb], batchSize: 8, epochs: 15, verbose: 0, seed: 1);
        Assert.True(history["loss"][^1] < history["loss"][0], $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        Assert.Equal(["loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_accuracy"], history.HistoryData.Keys.ToArray());
        var outs = model.PredictOutputs([xa, xb], batchSize: 16, verbose: 0);
        Assert.Equal(new Shape(40, 2), outs[0].Shape);
        Assert.Equal(new Shape(40, 1), outs[1].Shape);
        Assert.Throws<ArgumentException>(() => model.Fit([xa], [ya, yb], verbose: 0));
        Assert.Throws<ArgumentException>(() => model.Compile("adam", ["mse", "mse", "mse"]));
    }

    [Fact]
    public void TwoInputTwoOutputModelValidatesAsKerasLogsIt()
    {
        Config.SetRandomSeed(14);
        var a = Keras.Input([3], name: "a");
        var b = Keras.Input([2], name: "b");
        var h = new Dense(8, activation: "relu").Apply(new Concatenate().Apply([a, b]));
        var model = new Model([a, b], [new Dense(2, activation: "softmax", name: "cls").Apply(h), new Dense(1, name: "reg").Apply(h)]);
        model.Compile("adam", ["sparse_categorical_crossentropy", "mse"], [1.0, 0.25], ["accuracy"]);
        var xa = GradCheck.Random(1, -1, 1, 60, 3);
        var xb = GradCheck.Random(2, -1, 1, 60, 2);
        var ya = Tensor.FromArray(Enumerable.Range(0, 60).Select(i => xa.ToArray()[i * 3] > 0 ? 1 : 0).ToArray(), 60);
        var yb = GradCheck.Random(3, 0, 1, 60, 1);
        Tensor[] valX = [xa.Slice(40, 20), xb.Slice(40, 20)], valY = [ya.Slice(40, 20), yb.Slice(40, 20)];
        var printed = new StringWriter();
        var history = model.Fit([xa.Slice(0, 40), xb.Slice(0, 40)], [ya.Slice(0, 40), yb.Slice(0, 40)], batchSize: 8, epochs: 3, verbose: 0,
            validationData: (valX, valY), seed: 2, callbacks: [new ProgbarLogger(printed, dynamic: false)]);
        Assert.Equal(["loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_accuracy", "val_loss", "val_cls_loss", "val_reg_loss", "val_cls_accuracy", "val_reg_accuracy"],
            history.HistoryData.Keys.ToArray());
        // The last epoch's validation is Evaluate on the validation data with the final weights.
        var after = model.Evaluate(valX, valY, batchSize: 8, verbose: 0);
        foreach (var (key, value) in after.Values)
        {
            Assert.Equal(value, history["val_" + key][^1], 6);
        }
        Assert.Equal(after["cls_loss"] + 0.25 * after["reg_loss"], after["loss"], 5);
        var text = printed.ToString();
        Assert.Contains("Epoch 3/3", text);
        Assert.Contains("val_loss: ", text);
        Assert.Contains("val_cls_accuracy: ", text);
        // predict_on_batch: the whole array as one batch, one array per output, as Predict gives them.
        var onBatch = model.PredictOnBatch([xa, xb]);
        var predicted = model.PredictOutputs([xa, xb], batchSize: 7, verbose: 0);
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(predicted[k].Shape, onBatch[k].Shape);
            Assert.Equal(predicted[k].ToArray(), onBatch[k].ToArray(), (p, q) => Math.Abs(p - q) <= 1e-6f);
        }
        Assert.Contains("PredictOutputs", Assert.Throws<InvalidOperationException>(() => model.Predict(xa, verbose: 0)).Message);
        Assert.Throws<InvalidOperationException>(() => model.PredictOnBatch(xa));
        // validationSplit takes the last fifth of every input and target, before shuffling.
        var split = model.Fit([xa, xb], [ya, yb], batchSize: 8, epochs: 1, verbose: 0, validationSplit: 0.2, shuffle: false);
        Assert.Contains("val_reg_loss", split.HistoryData.Keys);
    }

    [Fact]
    public void MetricObjectsOnSeveralOutputsAreRefusedClearly()
    {
        var a = Keras.Input([3]);
        var h = new Dense(4).Apply(a);
        var model = new Model([a], [new Dense(2, activation: "softmax", name: "left").Apply(h), new Dense(2, activation: "softmax", name: "right").Apply(h)]);
        model.Compile(new SharpKeras.Optimizers.Adam(), new SharpKeras.Losses.SparseCategoricalCrossentropy(), [new SharpKeras.Metrics.SparseCategoricalAccuracy()]);
        var x = GradCheck.Random(4, -1, 1, 8, 3);
        var y = Tensor.FromArray(Enumerable.Range(0, 8).Select(i => i % 2).ToArray(), 8);
        var e = Assert.Throws<NotSupportedException>(() => model.Fit([x], [y, y], verbose: 0));
        Assert.Contains("metric identifiers", e.Message);
        Assert.Contains("2 outputs", e.Message);
    }

    [Fact]
    public void SingleInputFunctionalModelTrainsWithTheUsualFit()
    {
        Config.SetRandomSeed(12);
        var input = Keras.Input([4]);
        var x = new Dense(16, activation: "relu").Apply(input);
        x = new Dropout(0.1).Apply(x);
        x = new LayerNormalization().Apply(x);
        var model = new Model(input, new Dense(3, activation: "softmax").Apply(x));
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var data = GradCheck.Random(5, -1, 1, 60, 4);
        var labels = Tensor.FromArray(Enumerable.Range(0, 60).Select(i => data.ToArray()[i * 4] > 0.3f ? 2 : data.ToArray()[i * 4] < -0.3f ? 0 : 1).ToArray(), 60);
        var h = model.Fit(data, labels, batchSize: 10, epochs: 20, verbose: 0);
        Assert.True(h["loss"][^1] < h["loss"][0] * 0.8);
        Assert.Equal(new Shape(60, 3), model.Predict(data, verbose: 0).Shape);
    }

    [Fact]
    public void FunctionalModelNestsAsALayer()
    {
        var inner = Keras.Input([3]);
        var encoder = new Model(inner, new Dense(2, name: "code").Apply(inner), "encoder");
        var outer = Keras.Input([3]);
        var model = new Model(outer, new Dense(1, name: "out").Apply(encoder.Apply(outer)), "outer");
        Assert.Equal(3 * 2 + 2 + 2 + 1, model.CountParams());
        var x = GradCheck.Random(7, -1, 1, 4, 3);
        var y = model.Predict(x, verbose: 0);
        var config = model.ToConfig();
        Assert.Equal("Functional", config["config"]!["layers"]![1]!["class_name"]!.GetValue<string>());
        var again = Model.FromConfig(config);
        again.SetWeights(model.GetWeights());
        Assert.Equal(y.ToArray(), again.Predict(x, verbose: 0).ToArray());
    }
}

/// <summary>Subclassing: custom layers (Build, Call, AddWeight) and models (Call) train with Fit and save once registered.</summary>
public class SubclassingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-subclass-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>y = x * scale + offset per feature, the shape of a tutorial's custom layer.</summary>
    private sealed class ScaleShift(string? name = null) : Layer(name)
    {
        private Variable? _scale;
        private Variable? _offset;

        public static ScaleShift FromConfig(JsonObject config) => new(Cfg.Name(config));

        protected override void Build(Shape inputShape)
        {
            _scale = AddWeight("scale", new Shape(inputShape[-1]), new Ones());
            _offset = AddWeight("offset", new Shape(inputShape[-1]), new Zeros());
        }

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

        protected override Tensor Call(Tensor inputs, bool training) =>
            SharpKeras.Ops.Add(SharpKeras.Ops.Multiply(inputs, _scale!.Value), _offset!.Value);
    }

    private sealed class TwoLayerNet : Model
    {
        private readonly Dense _hidden = new(8, activation: "tanh");
        private readonly ScaleShift _shift = new();
        private readonly Dense _out = new(1);

        public TwoLayerNet() : base("two_layer_net")
        {
        }

        protected override Tensor Call(Tensor inputs, bool training) => _out.Apply(_shift.Apply(_hidden.Apply(inputs, training), training), training);
    }

    [Fact]
    public void SubclassedModelTracksItsLayersAndTrains()
    {
        Config.SetRandomSeed(21);
        var model = new TwoLayerNet();
        model.Compile("adam", "mse");
        var x = GradCheck.Random(1, -1, 1, 32, 2);
        var y = Tensor.FromArray(Enumerable.Range(0, 32).Select(i => x.ToArray()[2 * i] - 0.5f * x.ToArray()[2 * i + 1]).ToArray(), 32, 1);
        var h = model.Fit(x, y, batchSize: 8, epochs: 30, verbose: 0);
        Assert.Equal(3, model.Layers.Count);
        Assert.Equal(2 * 8 + 8 + 8 + 8 + 8 + 1, model.CountParams());
        Assert.Equal(6, model.TrainableWeights.Count);
        Assert.True(h["loss"][^1] < h["loss"][0] * 0.5, $"{h["loss"][0]} -> {h["loss"][^1]}");
        // Its weights round-trip through a weights file into a fresh instance.
        var path = Path.Combine(_dir, "net.weights.h5");
        model.SaveWeights(path);
        var fresh = new TwoLayerNet();
        fresh.EnsureBuilt(new Shape(-1, 2));
        fresh.LoadWeights(path);
        Assert.Equal(model.Predict(x, verbose: 0).ToArray(), fresh.Predict(x, verbose: 0).ToArray());
        Assert.Contains("/layers/scale_shift/vars/1 dataset", string.Join("\n", SharpKeras.Tests.Saving.StructureTests.Tree(path)));
    }

    [Fact]
    public void CustomLayerInAFunctionalModelSavesOnceRegistered()
    {
        var input = Keras.Input([3]);
        var model = new Model(input, new Dense(2).Apply(new ScaleShift(name: "ss").Apply(input)));
        var path = Path.Combine(_dir, "custom.keras");
        model.Save(path);
        // Unregistered, the reader refuses to guess.
        var e = Assert.Throws<UnknownClassException>(() => Model.Load(path));
        Assert.Contains("ScaleShift", e.Message);
        KerasSerializer.Register(ScaleShift.FromConfig, package: "Tests");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.IsType<ScaleShift>(loaded.GetLayer("ss"));
        Assert.Equal("Tests>ScaleShift", loaded.ToConfig()["config"]!["layers"]![1]!["registered_name"]!.GetValue<string>());
        var x = GradCheck.Random(2, -1, 1, 3, 3);
        Assert.Equal(model.Predict(x, verbose: 0).ToArray(), loaded.Predict(x, verbose: 0).ToArray());
    }
}
