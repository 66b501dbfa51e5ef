using Act = SharpKeras.Activations;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Activations;

/// <summary>ReLU, LeakyReLU, PReLU, ELU and Softmax layers: Keras's docstring values, gradients, configs and bad arguments.</summary>
public sealed class ActivationLayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-actlayers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Tensor Row(params float[] v) => Tensor.FromArray(v, [1, v.Length]);

    private static void Near(float[] expected, float[] actual, float tol = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void ReLUAndLeakyReLUGiveKerasDocstringValues()
    {
        var x = Row(-10f, -5f, 0f, 5f, 10f);
        Assert.Equal([-5f, -2.5f, 0f, 5f, 10f], new ReLU(maxValue: 10, negativeSlope: 0.5, threshold: 0).Apply(x).ToArray());
        Assert.Equal([0f, 0f, 0f, 5f, 10f], new ReLU().Apply(x).ToArray());
        Assert.Equal([0f, 0f, 0f, 5f, 6f], new ReLU(maxValue: 6).Apply(x).ToArray());
        Assert.Equal([-5f, -2.5f, 0f, 5f, 10f], new LeakyReLU(negativeSlope: 0.5).Apply(x).ToArray());
        Near([-3f, -1.5f, 0f, 5f, 10f], new LeakyReLU().Apply(x).ToArray());
    }

    [Fact]
    public void ELUAndSoftmaxGiveKerasValues()
    {
        Near([MathF.Exp(-1f) - 1f, 0f, 1f], new ELU().Apply(Row(-1f, 0f, 1f)).ToArray());
        Near([0.5f * (MathF.Exp(-2f) - 1f), 2f], new ELU(0.5).Apply(Row(-2f, 2f)).ToArray());
        Near([0.21194157f, 0.5761169f, 0.21194157f], new SharpKeras.Layers.Softmax().Apply(Row(1f, 2f, 1f)).ToArray());
        var masked = new SharpKeras.Layers.Softmax().Apply(Row(1f, 2f, 1f), Row(1f, 1f, 0f));
        Near([0.26894142f, 0.7310586f, 0f], masked.ToArray());
        var columns = new SharpKeras.Layers.Softmax(axis: 0).Apply(Tensor.FromArray([1f, 3f, 2f, 4f], [2, 2]));
        Near([0.26894142f, 0.26894142f, 0.7310586f, 0.7310586f], columns.ToArray());
        // A (1, 1) mask broadcasts over the whole input.
        Near([0f, 0f, 0f, 0f], new SharpKeras.Layers.Softmax().Apply(Tensor.FromArray([1f, 3f, 2f, 4f], [2, 2]), Tensor.FromArray([0f], [1, 1])).ToArray());
    }

    [Fact]
    public void PReLULearnsAlphaPerFeatureOrShared()
    {
        var layer = new PReLU(new Constant(0.25));
        var y = layer.Apply(Tensor.FromArray([-4f, 2f, -1f, -8f, 0f, 3f], [2, 3]));
        Assert.Equal([-1f, 2f, -0.25f, -2f, 0f, 3f], y.ToArray());
        Assert.Equal("alpha", layer.Alpha!.Name);
        Assert.Equal(new Shape(3), layer.Alpha.Value.Shape);
        var shared = new PReLU(sharedAxes: [1, 2]);
        shared.Apply(GradCheck.Random(1, -1f, 1f, 2, 4, 5, 3));
        Assert.Equal(new Shape(1, 1, 3), shared.Alpha!.Value.Shape);
        Assert.All(shared.Alpha.Value.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void PReLUGradientsReachInputAndAlpha()
    {
        var layer = new PReLU(new RandomUniform(0.1, 0.6, seed: 3), sharedAxes: [1]);
        var x = GradCheck.Random(2, -1f, 1f, 3, 4, 2);
        layer.Apply(x);
        GradCheck.Check(t => layer.Apply(t[0]), [x, layer.Alpha!.Value]);
    }

    [Fact]
    public void LayerGradientsMatchFiniteDifferences()
    {
        var x = Tensor.FromArray([-2.3f, -0.7f, 0.4f, 1.9f, 3.3f, -1.2f, 0.8f, 2.6f], [2, 4]);
        GradCheck.Check(t => new ReLU(maxValue: 3.0, negativeSlope: 0.2, threshold: 0.25).Apply(t[0]), [x]);
        GradCheck.Check(t => new LeakyReLU().Apply(t[0]), [x]);
        GradCheck.Check(t => new ELU(0.8).Apply(t[0]), [x]);
        GradCheck.Check(t => new SharpKeras.Layers.Softmax(axis: 0).Apply(t[0]), [x]);
        GradCheck.Check(t => new SharpKeras.Layers.Softmax().Apply(t[0], Tensor.FromArray([1f, 0f, 1f, 1f], [4])), [x]);
    }

    [Fact]
    public void BadArgumentsNameTheLayerAndValue()
    {
        Assert.Contains("maxValue", Assert.Throws<ArgumentOutOfRangeException>(() => new ReLU(maxValue: -1)).Message);
        Assert.Contains("negativeSlope", Assert.Throws<ArgumentOutOfRangeException>(() => new ReLU(negativeSlope: -0.1)).Message);
        Assert.Contains("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new ReLU(threshold: -2)).Message);
        Assert.Contains("LeakyReLU", Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(-0.3)).Message);
        Assert.Contains("sharedAxes", Assert.Throws<ArgumentOutOfRangeException>(() => new PReLU(sharedAxes: [0])).Message);
        var e = Assert.Throws<ArgumentException>(() => new SharpKeras.Layers.Softmax().Apply(Row(1f, 2f, 3f), Row(1f, 0f)));
        Assert.Contains("mask.shape", e.Message);
        Assert.Throws<ArgumentException>(() => new SharpKeras.Layers.Softmax(axis: 3).Apply(Row(1f, 2f)));
        var cfg = new PReLU().GetConfig();
        cfg["alpha_regularizer"] = JsonNode.Parse("""{"class_name": "NoSuchRegularizer", "config": {}}""");
        Assert.Contains("NoSuchRegularizer", Assert.Throws<UnknownClassException>(() => PReLU.FromConfig(cfg)).Message);
        var relu = new ReLU().GetConfig();
        relu["max_value"] = -3.0;
        Assert.Contains("maxValue", Assert.Throws<ConfigException>(() => ReLU.FromConfig(relu)).Message);
    }

    [Fact]
    public void ConfigsUseKerasKeysAndRoundTrip()
    {
        var relu = new ReLU(maxValue: 6, negativeSlope: 0.1, threshold: 0.5).GetConfig();
        Assert.Equal(6.0, relu["max_value"]!.GetValue<double>());
        Assert.Equal(0.1, relu["negative_slope"]!.GetValue<double>());
        Assert.Equal(0.5, relu["threshold"]!.GetValue<double>());
        Assert.Null(new ReLU().GetConfig()["max_value"]);
        Assert.True(new ReLU().GetConfig().ContainsKey("max_value"));
        Assert.Equal(0.3, new LeakyReLU().GetConfig()["negative_slope"]!.GetValue<double>());
        Assert.Equal(0.7, LeakyReLU.FromConfig(new JsonObject { ["alpha"] = 0.7 }).NegativeSlope);
        Assert.Equal(1, SharpKeras.Layers.Softmax.FromConfig(new JsonObject { ["axis"] = new JsonArray(1) }).Axis);
        var prelu = new PReLU(sharedAxes: [1, 2]).GetConfig();
        Assert.Equal("Zeros", prelu["alpha_initializer"]!["class_name"]!.GetValue<string>());
        Assert.Equal("[1,2]", prelu["shared_axes"]!.ToJsonString());
        foreach (var layer in new Layer[] { new ReLU(4, 0.2, 0.1), new LeakyReLU(0.1), new PReLU(new Constant(0.2), [1]), new ELU(0.3), new SharpKeras.Layers.Softmax(1) })
        {
            var config = layer.GetConfig();
            var back = KerasSerializer.Layer(KerasSerializer.Serialize(layer));
            Assert.Equal(layer.GetType(), back.GetType());
            Assert.Equal(config.ToJsonString(), back.GetConfig().ToJsonString());
        }
    }

    [Fact]
    public void PReLUAlphaRegularizerAndConstraintUseKerasKeysAndApply()
    {
        var layer = new PReLU(new Constant(-0.5), alphaRegularizer: new SharpKeras.Regularizers.L2(0.1), alphaConstraint: new SharpKeras.Constraints.NonNeg());
        var config = layer.GetConfig();
        Assert.Equal("L2", config["alpha_regularizer"]!["class_name"]!.GetValue<string>());
        Assert.Equal("NonNeg", config["alpha_constraint"]!["class_name"]!.GetValue<string>());
        var back = (PReLU)KerasSerializer.Layer(KerasSerializer.Serialize(layer));
        Assert.IsType<SharpKeras.Regularizers.L2>(back.AlphaRegularizer);
        Assert.IsType<SharpKeras.Constraints.NonNeg>(back.AlphaConstraint);
        Assert.Equal(config.ToJsonString(), back.GetConfig().ToJsonString());
        layer.Apply(Row(1f, -2f, 3f));
        Assert.Same(layer.AlphaConstraint, layer.Alpha!.Constraint);
        Assert.Same(layer.AlphaRegularizer, layer.Alpha.Regularizer);
        // 0.1 * sum(alpha^2) over three alphas of -0.5.
        Assert.Equal(0.075f, Assert.Single(layer.Losses).ToArray()[0], 5);
    }

    [Fact]
    public void ModelWithEveryActivationLayerSavesAndLoads()
    {
        var model = new Sequential(
        [
            Keras.Input([6]), new Dense(5), new PReLU(new RandomNormal(0.2, 0.1, seed: 4)), new ReLU(maxValue: 1.5), new Dense(5),
            new LeakyReLU(0.2), new ELU(0.5), new Dense(4, activation: "selu"), new Dense(4, activation: Act.Gelu),
            new SharpKeras.Layers.Softmax(),
        ]);
        var x = GradCheck.Random(3, -2f, 2f, 7, 6);
        var expected = model.Predict(x, verbose: 0).ToArray();
        var path = Path.Combine(_dir, "acts.keras");
        model.Save(path);
        var back = Model.Load(path);
        Assert.Equal(expected, back.Predict(x, verbose: 0).ToArray());
        Assert.Equal(["dense", "p_re_lu", "re_lu", "dense_1", "leaky_re_lu", "elu", "dense_2", "dense_3", "softmax"], back.Layers.Select(l => l.Name).ToArray());
        model.Compile("adam", "categorical_crossentropy");
        var y = Keras.Utils.ToCategorical(new[] { 0, 1, 2, 3, 0, 1, 2 }, 4);
        Assert.True(double.IsFinite(model.TrainOnBatch(x, y).Loss));
    }
}
