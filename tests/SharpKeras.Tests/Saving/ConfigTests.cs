using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>GetConfig / FromConfig round trips for every built-in layer, initializer, optimizer, loss and metric.</summary>
public sealed class ConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> LayerCases() => [.. Layers().Keys];

    private static Dictionary<string, Func<Layer>> Layers() => new()
    {
        ["dense"] = () => new Dense(7, activation: "tanh", useBias: false, kernelInitializer: new HeNormal(3), name: "d"),
        ["flatten"] = () => new Flatten(name: "f"),
        ["dropout"] = () => new Dropout(0.3, seed: 5, name: "drop"),
        ["activation"] = () => new Activation("sigmoid", name: "act"),
        ["layer_normalization"] = () => new LayerNormalization(epsilon: 1e-5, center: false, gammaInitializer: new RandomNormal(1.0, 0.1, 2), name: "ln"),
        ["input_layer"] = () => new InputLayer([4, 5], DType.Int32, name: "tokens"),
        ["add"] = () => new Add(name: "a"),
        ["subtract"] = () => new Subtract(name: "s"),
        ["multiply"] = () => new SharpKeras.Layers.Multiply(name: "m"),
        ["average"] = () => new Average(name: "avg"),
        ["maximum"] = () => new SharpKeras.Layers.Maximum(name: "max"),
        ["minimum"] = () => new SharpKeras.Layers.Minimum(name: "min"),
        ["concatenate"] = () => new Concatenate(axis: 1, name: "cat"),
        ["dot"] = () => new Dot(1, normalize: true, name: "dot"),
        ["conv2d"] = () => new Conv2D(4, (3, 2), strides: (2, 1), padding: "same", activation: "relu", useBias: false, name: "c2"),
        ["conv1d"] = () => new Conv1D(3, 5, dilationRate: 2, padding: "causal", name: "c1"),
        ["max_pooling2d"] = () => new MaxPooling2D(3, (2, 1), padding: "same", name: "mp"),
        ["average_pooling2d"] = () => new AveragePooling2D(name: "ap"),
        ["max_pooling1d"] = () => new MaxPooling1D(3, 1, name: "mp1"),
        ["average_pooling1d"] = () => new AveragePooling1D(name: "ap1"),
        ["global_max_pooling2d"] = () => new GlobalMaxPooling2D(keepDims: true, name: "gmp"),
        ["global_average_pooling1d"] = () => new GlobalAveragePooling1D(name: "gap1"),
        ["embedding"] = () => new Embedding(50, 4, new RandomNormal(0, 1, 3), maskZero: true, name: "emb"),
        ["lstm"] = () => new LSTM(6, returnSequences: true, unitForgetBias: false, dropout: 0.2, seed: 4, name: "l"),
        ["gru"] = () => new GRU(5, resetAfter: false, goBackwards: true, name: "g"),
        ["simple_rnn"] = () => new SimpleRNN(3, activation: "relu", returnState: true, name: "s"),
        ["bidirectional"] = () => new Bidirectional(new LSTM(4, returnSequences: true), mergeMode: "sum", name: "bi"),
        ["batch_normalization"] = () => new BatchNormalization(momentum: 0.9, epsilon: 1e-5, scale: false, name: "bn"),
        ["zero_padding2d"] = () => new ZeroPadding2D((2, 0), (1, 1), name: "zp"),
        ["up_sampling2d"] = () => new UpSampling2D(3, name: "up"),
        ["reshape"] = () => new Reshape([3, -1], name: "rs"),
        ["permute"] = () => new Permute([3, 1, 2], name: "perm"),
        ["spatial_dropout2d"] = () => new SpatialDropout2D(0.4, name: "sd"),
        ["masking"] = () => new Masking(name: "mask"),
        ["repeat_vector"] = () => new RepeatVector(2, name: "rv"),
        ["time_distributed"] = () => new TimeDistributed(new Conv2D(2, 3), name: "td"),
    };

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void LayerConfigRoundTrips(string which)
    {
        var layer = Layers()[which]();
        layer.Trainable = which != "dense";
        var json = KerasSerializer.Serialize(layer).ToJsonString();
        var again = KerasSerializer.Layer(JsonNode.Parse(json));
        Assert.Equal(layer.GetType(), again.GetType());
        Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
        Assert.Equal(layer.Trainable, again.Trainable);
    }

    [Fact]
    public void BuiltLayerCarriesBuildConfig()
    {
        var dense = new Dense(3);
        dense.Apply(Tensor.Zeros(new Shape(2, 5)));
        var o = KerasSerializer.Serialize(dense);
        Assert.Equal("[null,5]", o["build_config"]!["input_shape"]!.ToJsonString());
        var again = KerasSerializer.Layer(o);
        Assert.True(again.Built);
        Assert.Equal(new Shape(5, 3), ((Dense)again).Kernel!.Shape);
    }

    public static TheoryData<string> InitializerCases() => [.. Initializers().Keys];

    private static Dictionary<string, Initializer> Initializers() => new()
    {
        ["zeros"] = new Zeros(),
        ["ones"] = new Ones(),
        ["glorot_uniform"] = new GlorotUniform(1),
        ["glorot_normal"] = new GlorotNormal(2),
        ["he_normal"] = new HeNormal(),
        ["he_uniform"] = new HeUniform(4),
        ["random_normal"] = new RandomNormal(0.5, 2.0, 5),
        ["random_uniform"] = new RandomUniform(-1, 3, 6),
        ["orthogonal"] = new Orthogonal(0.5, 9),
        ["variance_scaling"] = new VarianceScaling(2.5, FanMode.FanOut, VarianceDistribution.Uniform, 7),
    };

    [Theory]
    [MemberData(nameof(InitializerCases))]
    public void InitializerConfigRoundTripsAndDrawsTheSameValues(string which)
    {
        var init = Initializers()[which];
        var json = KerasSerializer.Serialize(init).ToJsonString();
        var again = KerasSerializer.Initializer(JsonNode.Parse(json), "zeros");
        Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
        if (init is not RandomInitializer { Seed: null })
        {
            Assert.Equal(init.Call(new Shape(3, 4)).ToArray(), again.Call(new Shape(3, 4)).ToArray());
        }
        if (which != "variance_scaling")
        {
            Assert.IsType(init.GetType(), KerasSerializer.Initializer(JsonValue.Create(which), "zeros"));
        }
    }

    [Fact]
    public void OptimizersLossesAndMetricsRoundTrip()
    {
        foreach (Optimizer opt in new Optimizer[] { new Adam(0.01, 0.8, 0.99, 1e-6, amsgrad: true), new SGD(0.1, 0.9, nesterov: true), new RMSprop(0.002, 0.8, 0.5, 1e-5, centered: true) })
        {
            var json = KerasSerializer.Serialize(opt).ToJsonString();
            Assert.Equal(json, KerasSerializer.Serialize(KerasSerializer.Optimizer(JsonNode.Parse(json))).ToJsonString());
        }
        foreach (Loss loss in new Loss[] { new SharpKeras.Losses.SparseCategoricalCrossentropy(true), new SharpKeras.Losses.CategoricalCrossentropy(true), new SharpKeras.Losses.BinaryCrossentropy(true), new SharpKeras.Losses.MeanSquaredError() })
        {
            var json = KerasSerializer.Serialize(loss).ToJsonString();
            Assert.Equal(json, KerasSerializer.Serialize(KerasSerializer.Loss(JsonNode.Parse(json))).ToJsonString());
        }
        foreach (Metric metric in new Metric[] { new SparseCategoricalAccuracy("sca"), new CategoricalAccuracy(), new BinaryAccuracy("ba", 0.3) })
        {
            var json = KerasSerializer.Serialize(metric).ToJsonString();
            Assert.Equal(json, KerasSerializer.Serialize(KerasSerializer.Metric(JsonNode.Parse(json))).ToJsonString());
        }
        Assert.IsType<Adam>(KerasSerializer.Optimizer(JsonValue.Create("adam")));
        Assert.IsType<SharpKeras.Losses.MeanSquaredError>(KerasSerializer.Loss(JsonValue.Create("mse")));
    }

    [Fact]
    public void UnknownClassesOfEveryKindAreNamed()
    {
        JsonObject Obj(string cls) => new() { ["module"] = "x", ["class_name"] = cls, ["config"] = new JsonObject(), ["registered_name"] = null };
        Assert.Contains("'Lamb'", Assert.Throws<UnknownClassException>(() => KerasSerializer.Optimizer(Obj("Lamb"))).Message);
        Assert.Contains("'Circle'", Assert.Throws<UnknownClassException>(() => KerasSerializer.Loss(Obj("Circle"))).Message);
        Assert.Contains("'PearsonCorrelation'", Assert.Throws<UnknownClassException>(() => KerasSerializer.Metric(Obj("PearsonCorrelation"))).Message);
        Assert.Contains("'STFT'", Assert.Throws<UnknownClassException>(() => KerasSerializer.Initializer(Obj("STFT"), "zeros")).Message);
        Assert.Contains("'ConvLSTM3D'", Assert.Throws<UnknownClassException>(() => KerasSerializer.Layer(Obj("ConvLSTM3D"))).Message);
    }

    [Fact]
    public void RmspropSlotsAreSavedGroupedByKindAsKeras()
    {
        var model = new Sequential([Keras.Input([2]).Layer, new Dense(3)]);
        model.Compile(new RMSprop(momentum: 0.5), "mse");
        model.Fit(Tensor.Ones(new Shape(4, 2)), Tensor.Ones(new Shape(4, 3)), verbose: 0);
        var path = Path.Combine(_dir, "r.weights.h5");
        model.SaveWeights(path);
        var tree = StructureTests.Tree(path);
        Assert.Contains("/optimizer/vars/2 dataset FloatingPoint/4 [2,3]", tree);
        Assert.Contains("/optimizer/vars/3 dataset FloatingPoint/4 [3]", tree);
        Assert.Contains("/optimizer/vars/4 dataset FloatingPoint/4 [2,3]", tree);
        var loaded = new Sequential([Keras.Input([2]).Layer, new Dense(3)]);
        loaded.Compile(new RMSprop(momentum: 0.5), "mse");
        loaded.LoadWeights(path);
        Assert.Equal(model.Optimizer!.Slots.SelectMany(s => s).SelectMany(t => t.ToArray()), loaded.Optimizer!.Slots.SelectMany(s => s).SelectMany(t => t.ToArray()));
    }
}
