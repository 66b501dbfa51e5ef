using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Convolutional;

/// <summary>Conv3D, Conv3DTranspose, MaxPooling3D and AveragePooling3D as layers: weights, shapes, configs, summaries, saving and bad inputs.</summary>
public class Conv3DLayerTests
{
    [Fact]
    public void Conv3DWeightsAndOutputFollowKeras()
    {
        var layer = new Conv3D(6, (1, 3, 2), strides: (1, 2, 1), padding: "same", groups: 2, activation: "relu", kernelInitializer: new RandomNormal(0, 0.5, 1), biasInitializer: new RandomNormal(0, 0.5, 2));
        var x = Random(3, -1, 1, 2, 3, 5, 4, 4);
        var y = layer.Apply(x);
        Assert.Equal("conv3d", layer.DefaultName);
        Assert.Equal(new Shape(1, 3, 2, 2, 6), layer.Kernel!.Shape);
        Assert.Equal(new Shape(2, 3, 3, 4, 6), y.Shape);
        Assert.Equal(layer.ComputeOutputShape(x.Shape), y.Shape);
        var expected = SharpKeras.Ops.Relu(SharpKeras.Ops.Add(SharpKeras.Ops.Convolve3D(x, layer.Kernel.Value, null, [1, 2, 1], "same", [1, 1, 1], default), layer.Bias!.Value)).ToArray();
        var actual = y.ToArray();
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"[{i}] {actual[i]} versus {expected[i]}");
        }
    }

    [Fact]
    public void OutputShapesFollowKeras()
    {
        Assert.Equal(new Shape(-1, 8, 6, 3, 5), new Conv3D(5, 3).ComputeOutputShape(new Shape(-1, 10, 8, 5, 2)));
        Assert.Equal(new Shape(-1, 5, 4, 3, 5), new Conv3D(5, 3, strides: 2, padding: "same").ComputeOutputShape(new Shape(-1, 10, 8, 5, 2)));
        Assert.Equal(new Shape(-1, 6, -1, 1, 5), new Conv3D(5, 3, dilationRate: 2).ComputeOutputShape(new Shape(-1, 10, -1, 5, 2)));
        Assert.Equal(new Shape(-1, 20, 16, 10, 7), new Conv3DTranspose(7, 3, strides: 2, padding: "same").ComputeOutputShape(new Shape(-1, 10, 8, 5, 2)));
        Assert.Equal(new Shape(-1, 21, 17, 11, 7), new Conv3DTranspose(7, 3, strides: 2).ComputeOutputShape(new Shape(-1, 10, 8, 5, 2)));
        // With output_padding: (size - 1) * stride + kernel - 2 * (kernel // 2 for "same") + output_padding.
        Assert.Equal(new Shape(-1, 20, 15, 10, 7), new Conv3DTranspose(7, 3, strides: 2, padding: "same", outputPadding: (1, 0, 1)).ComputeOutputShape(new Shape(-1, 10, 8, 5, 2)));
        Assert.Equal(new Shape(-1, 5, 4, 2, 3), new MaxPooling3D().ComputeOutputShape(new Shape(-1, 10, 8, 5, 3)));
        Assert.Equal(new Shape(-1, 4, 3, 2, 3), new AveragePooling3D(3, 2, "same").ComputeOutputShape(new Shape(-1, 7, 6, 3, 3)));
    }

    [Fact]
    public void Conv3DTransposeWeightsAndOutput()
    {
        var layer = new Conv3DTranspose(3, (2, 3, 2), strides: (2, 1, 2), padding: "same", outputPadding: (1, 0, 0), activation: "tanh",
            kernelInitializer: new RandomNormal(0, 0.5, 4), biasInitializer: new RandomNormal(0, 0.5, 5));
        var x = Random(6, -1, 1, 2, 2, 3, 3, 4);
        var y = layer.Apply(x);
        Assert.Equal(new Shape(2, 3, 2, 3, 4), layer.Kernel!.Shape);
        Assert.Equal(layer.ComputeOutputShape(x.Shape), y.Shape);
        var expected = SharpKeras.Ops.Tanh(SharpKeras.Ops.Add(SharpKeras.Ops.ConvolveTranspose3D(x, layer.Kernel.Value, [2, 1, 2], "same", [1, 0, 0], [1, 1, 1]), layer.Bias!.Value)).ToArray();
        var actual = y.ToArray();
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"[{i}] {actual[i]} versus {expected[i]}");
        }
    }

    [Fact]
    public void LayerGradientsMatchFiniteDifferences()
    {
        var conv = new Conv3D(4, 2, padding: "same", groups: 2, activation: "tanh");
        var x = Random(7, -1, 1, 1, 3, 3, 2, 2);
        conv.Apply(x);
        Check(t => conv.Apply(t[0]), [x]);
        var up = new Conv3DTranspose(2, 2, strides: 2, activation: "tanh");
        up.Apply(x);
        Check(t => up.Apply(t[0]), [x]);
    }

    public static TheoryData<Layer> Layers() => new()
    {
        new Conv3D(4, (1, 3, 2), strides: (1, 2, 1), padding: "same", groups: 2, activation: "relu", useBias: false, name: "c3"),
        new Conv3D(2, 3, dilationRate: (2, 1, 1), kernelRegularizer: new SharpKeras.Regularizers.L2(0.01), biasConstraint: new SharpKeras.Constraints.NonNeg()),
        new Conv3DTranspose(3, 2, strides: 2, padding: "same", outputPadding: (1, 0, 1), activation: "sigmoid", name: "up"),
        new Conv3DTranspose(3, (3, 2, 1), dilationRate: 2),
        new MaxPooling3D((2, 3, 1), strides: 1, padding: "same", name: "mp"),
        new MaxPooling3D(),
        new AveragePooling3D(3, (1, 2, 3)),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ConfigRoundTrips(Layer layer)
    {
        var config = layer.GetConfig();
        var back = KerasSerializer.Layer(KerasSerializer.Serialize(layer));
        Assert.IsType(layer.GetType(), back);
        Assert.True(JsonNode.DeepEquals(config, back.GetConfig()), $"{config.ToJsonString()}\nversus\n{back.GetConfig().ToJsonString()}");
    }

    [Fact]
    public void ReadsKerasConfigsAndTheAliases()
    {
        var conv = Conv3D.FromConfig((JsonObject)JsonNode.Parse("""
            {"name": "conv3d", "trainable": true, "dtype": "float32", "filters": 8, "kernel_size": [3, 3, 3], "strides": [1, 1, 1],
             "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1, 1], "groups": 2, "activation": "relu", "use_bias": true,
             "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
             "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
             "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}
            """)!);
        Assert.Equal(8, conv.Filters);
        Assert.Equal(2, conv.Groups);
        Assert.Equal(new Size3D(3, 3, 3), conv.KernelSize);
        var up = Conv3DTranspose.FromConfig((JsonObject)JsonNode.Parse("""
            {"name": "t", "filters": 2, "kernel_size": [2, 2, 2], "strides": [2, 2, 2], "padding": "same", "output_padding": [1, 1, 0], "data_format": "channels_last", "dilation_rate": [1, 1, 1]}
            """)!);
        Assert.Equal(new Size3D(1, 1, 0), up.OutputPadding);
        Assert.Null(Conv3DTranspose.FromConfig((JsonObject)JsonNode.Parse("""{"filters": 2, "kernel_size": 2, "output_padding": null}""")!).OutputPadding);
        foreach (var (alias, type) in new[] { ("MaxPool3D", typeof(MaxPooling3D)), ("AvgPool3D", typeof(AveragePooling3D)) })
        {
            var env = (JsonObject)JsonNode.Parse($$"""{"module": "keras.layers", "class_name": "{{alias}}", "config": {"name": "p", "pool_size": [2, 2, 2], "padding": "valid", "strides": null, "data_format": "channels_last"}, "registered_name": null}""")!;
            var pool = KerasSerializer.Layer(env);
            Assert.IsType(type, pool);
            Assert.Equal([2, 2, 2], ((BasePooling)pool).Strides);
        }
        Assert.Equal("channels_first", Conv3D.FromConfig((JsonObject)JsonNode.Parse("""{"name": "cf", "filters": 2, "kernel_size": 2, "data_format": "channels_first"}""")!).DataFormat);
        var e = Assert.Throws<ConfigException>(() => MaxPooling3D.FromConfig((JsonObject)JsonNode.Parse("""{"name": "mp", "pool_size": [2, 2]}""")!));
        Assert.Contains("3 ints", e.Message, StringComparison.Ordinal);
    }

    private static Sequential Model3D()
    {
        var model = new Sequential(name: "volumes");
        model.Add(new InputLayer([6, 6, 6, 2]));
        model.Add(new Conv3D(4, 3, activation: "relu", kernelInitializer: new GlorotUniform(1)));
        model.Add(new MaxPooling3D());
        model.Add(new Conv3DTranspose(3, 2, strides: 2, outputPadding: 1, kernelInitializer: new GlorotUniform(2), biasInitializer: new RandomNormal(0, 0.1, 3)));
        model.Add(new AveragePooling3D(2, padding: "same"));
        return model;
    }

    [Fact]
    public void SummaryShowsKerasRows()
    {
        var model = Model3D();
        string text = "";
        model.Summary(s => text = s, lineLength: 100);
        var lines = text.Split('\n');
        void Row(string layer, string shape, string parameters)
        {
            var line = lines.SingleOrDefault(l => l.Contains(layer, StringComparison.Ordinal));
            Assert.True(line is not null, $"no row for {layer} in\n{text}");
            Assert.Contains(shape, line, StringComparison.Ordinal);
            Assert.EndsWith($" {parameters} │", line.TrimEnd());
        }
        Row("conv3d (Conv3D)", "(None, 4, 4, 4, 4)", "220");
        Row("max_pooling3d (MaxPooling3D)", "(None, 2, 2, 2, 4)", "0");
        // (2 - 1) * 2 + 2 + 1 = 5 with output_padding 1 on "valid".
        Row("conv3d_transpose (Conv3DTranspose)", "(None, 5, 5, 5, 3)", "99");
        Row("average_pooling3d (AveragePooling3D)", "(None, 3, 3, 3, 3)", "0");
        Assert.Contains("Total params: 319", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SavesAndLoadsAsKerasAndH5()
    {
        var model = Model3D();
        var x = Random(8, -1, 1, 3, 6, 6, 6, 2);
        var before = model.Predict(x, verbose: 0).ToArray();
        var dir = Directory.CreateTempSubdirectory("sk-conv3d-").FullName;
        try
        {
            foreach (var file in new[] { "m.keras", "m.h5" })
            {
                var path = Path.Combine(dir, file);
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(before, loaded.Predict(x, verbose: 0).ToArray());
                Assert.Equal(new Shape(3, 3, 3, 2, 4), loaded.Layers.OfType<Conv3D>().Single().Kernel!.Shape);
                Assert.Equal(new Size3D(1, 1, 1), loaded.Layers.OfType<Conv3DTranspose>().Single().OutputPadding);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void TrainsAVolumeClassifier()
    {
        Config.SetRandomSeed(5);
        var model = new Sequential();
        model.Add(new InputLayer([4, 4, 4, 1]));
        model.Add(new Conv3D(4, 2, activation: "relu"));
        model.Add(new MaxPooling3D(padding: "same"));
        model.Add(new Flatten());
        model.Add(new Dense(2, activation: "softmax"));
        model.Compile(optimizer: new SharpKeras.Optimizers.Adam(0.01), loss: "sparse_categorical_crossentropy");
        // Class 1 volumes are brighter than class 0 ones.
        var xs = Random(9, 0, 1, 32, 4, 4, 4, 1).ToArray();
        var ys = new int[32];
        for (int i = 0; i < 32; i++)
        {
            ys[i] = i % 2;
            for (int j = 0; j < 64; j++)
            {
                xs[i * 64 + j] += 2 * ys[i];
            }
        }
        var history = model.Fit(Tensor.FromArray(xs, 32, 4, 4, 4, 1), Tensor.FromArray(ys), batchSize: 8, epochs: 15, verbose: 0);
        var loss = history["loss"];
        Assert.True(loss[^1] < loss[0] * 0.5, $"loss {loss[0]} -> {loss[^1]}");
    }

    [Fact]
    public void BadInputsNameTheLayerAndTheShapes()
    {
        var conv = new Conv3D(2, 3, name: "vol");
        var e = Assert.Throws<ArgumentException>(() => conv.Apply(Tensor.Zeros(new Shape(1, 4, 4, 2))));
        Assert.Contains("\"vol\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected ndim=5 (batch, depth, height, width, channels)", e.Message, StringComparison.Ordinal);
        conv.Apply(Tensor.Zeros(new Shape(1, 4, 4, 4, 2)));
        e = Assert.Throws<ArgumentException>(() => conv.Apply(Tensor.Zeros(new Shape(1, 4, 4, 4, 3))));
        Assert.Contains("value 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("(1, 4, 4, 4, 3)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new Conv3D(2, 5, name: "big").Apply(Tensor.Zeros(new Shape(1, 4, 8, 8, 1))));
        Assert.Contains("\"big\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("larger than the input size 4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new Conv3D(4, 1, groups: 2, name: "g").Apply(Tensor.Zeros(new Shape(1, 2, 2, 2, 3))));
        Assert.Contains("multiple of groups (2)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv3D(3, 1, groups: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv3D(0, 1));
        Assert.Throws<ArgumentException>(() => new Conv3D(2, 3, strides: 2, dilationRate: 2));
        Assert.Throws<ArgumentException>(() => new Conv3D(2, 3, padding: "causal"));
        var op = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv3DTranspose(2, 3, strides: 2, outputPadding: (1, 2, 0)));
        Assert.Contains("at axis 1 output_padding is 2 but strides is 2", op.Message, StringComparison.Ordinal);
        var up = new Conv3DTranspose(2, 2, name: "up");
        up.Apply(Tensor.Zeros(new Shape(1, 2, 2, 2, 3)));
        e = Assert.Throws<ArgumentException>(() => up.Apply(Tensor.Zeros(new Shape(1, 2, 2, 2, 4))));
        Assert.Contains("\"up\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("value 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new MaxPooling3D(name: "mp").Apply(Tensor.Zeros(new Shape(1, 4, 4, 2))));
        Assert.Contains("\"mp\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected ndim=5 (batch, depth, height, width, channels)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new AveragePooling3D(3, name: "ap").Apply(Tensor.Zeros(new Shape(1, 2, 4, 4, 2))));
        Assert.Contains("pool size 3 is larger than the input size 2", e.Message, StringComparison.Ordinal);
    }
}
