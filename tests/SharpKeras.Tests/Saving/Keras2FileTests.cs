using PureHDF;
using SharpKeras.Models;

namespace SharpKeras.Tests.Saving;

/// <summary>Files in Keras 2 / tf.keras's HDF5 layout (old config and node formats, fixed-length strings, chunked attributes) load.</summary>
public sealed class Keras2FileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-keras2-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string FunctionalConfig = """
        {"class_name": "Functional", "config": {"name": "model", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "dtype": "float32", "sparse": false, "ragged": false, "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
          {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 2, "activation": "relu", "use_bias": true,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
           "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
          {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": "float32", "units": 2, "activation": "linear", "use_bias": true,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
           "name": "dense_1", "inbound_nodes": [[["dense", 0, 0, {}]]]},
          {"class_name": "Add", "config": {"name": "add", "trainable": true, "dtype": "float32"}, "name": "add",
           "inbound_nodes": [[["dense", 0, 0, {}], ["dense_1", 0, 0, {}]]]}],
          "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}, "keras_version": "2.15.0", "backend": "tensorflow"}
        """;

    private const string SequentialConfig = """
        {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
          {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "batch_input_shape": [null, 3], "dtype": "float32", "units": 2, "activation": "relu", "use_bias": true,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
          {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": "float32", "units": 2, "activation": "linear", "use_bias": true,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}}]}}
        """;

    private static readonly float[] W1 = [0.5f, -1f, 2f, 0.25f, -0.5f, 1f];
    private static readonly float[] B1 = [0.1f, -0.2f];
    private static readonly float[] W2 = [1f, 2f, -1f, 0.5f];
    private static readonly float[] B2 = [0.3f, 0.4f];

    private string Write(string config, bool chunkLayerNames, string? trainingConfig)
    {
        var file = new H5File
        {
            Attributes = { ["keras_version"] = "2.15.0", ["backend"] = "tensorflow", ["model_config"] = config },
        };
        if (trainingConfig is not null)
        {
            file.Attributes["training_config"] = trainingConfig;
        }
        var weights = new H5Group { Attributes = { ["keras_version"] = "2.15.0", ["backend"] = "tensorflow" } };
        string[] names = config.Contains("Functional") ? ["input_1", "dense", "dense_1", "add"] : ["dense", "dense_1"];
        if (chunkLayerNames)
        {
            weights.Attributes["layer_names0"] = names[..2];
            weights.Attributes["layer_names1"] = names[2..];
        }
        else
        {
            weights.Attributes["layer_names"] = names;
        }
        foreach (var n in names)
        {
            var g = new H5Group();
            if (n.StartsWith("dense", StringComparison.Ordinal))
            {
                g.Attributes["weight_names"] = new[] { $"{n}/kernel:0", $"{n}/bias:0" };
                var (w, b, rows) = n == "dense" ? (W1, B1, 3UL) : (W2, B2, 2UL);
                g[n] = new H5Group
                {
                    ["kernel:0"] = new H5Dataset(w, fileDims: [rows, 2]),
                    ["bias:0"] = new H5Dataset(b, fileDims: [2]),
                };
            }
            else
            {
                g.Attributes["weight_names"] = Array.Empty<double>();
            }
            weights[n] = g;
        }
        file["model_weights"] = weights;
        // Keras 2 (h5py) wrote fixed-length strings; here every string is fixed-length, padded to 4096 bytes.
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".h5");
        file.Write(path, new H5WriteOptions(DefaultStringLength: 4096));
        return path;
    }

    private static float[] Expected(float[] x, bool residual)
    {
        var h = new float[2];
        for (int j = 0; j < 2; j++)
        {
            float s = B1[j];
            for (int i = 0; i < 3; i++)
            {
                s += x[i] * W1[i * 2 + j];
            }
            h[j] = Math.Max(0, s);
        }
        var y = new float[2];
        for (int j = 0; j < 2; j++)
        {
            float s = B2[j];
            for (int i = 0; i < 2; i++)
            {
                s += h[i] * W2[i * 2 + j];
            }
            y[j] = residual ? s + h[j] : s;
        }
        return y;
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Keras2ModelLoadsAndPredicts(bool functional, bool chunked)
    {
        var path = Write(functional ? FunctionalConfig : SequentialConfig, chunked,
            """{"loss": "mse", "metrics": ["concordance_correlation"], "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.001}}}""");
        var model = Model.Load(path);
        // "concordance_correlation" is not a SharpKeras metric yet: the model loads for inference, uncompiled, as Keras warns and goes on.
        Assert.False(model.Compiled);
        var x = new float[] { 1f, -2f, 0.5f };
        var y = model.Predict(Tensor.FromArray(x, 1, 3), verbose: 0).ToArray();
        var expected = Expected(x, residual: functional);
        Assert.Equal(expected[0], y[0], 5);
        Assert.Equal(expected[1], y[1], 5);
    }

    [Fact]
    public void Keras2TrainingConfigCompilesTheModel()
    {
        var path = Write(SequentialConfig, false,
            """{"loss": "mse", "metrics": ["accuracy"], "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.01, "beta_1": 0.8}}}""");
        var model = Model.Load(path);
        Assert.True(model.Compiled);
        var adam = Assert.IsType<SharpKeras.Optimizers.Adam>(model.Optimizer);
        Assert.Equal(0.01, adam.LearningRate);
        Assert.Equal(0.8, adam.Beta1);
    }
}

/// <summary>Long layer lists are written in numbered chunks past HDF5's object header limit, as Keras does, and read back.</summary>
public sealed class ChunkedAttributeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-chunks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LayerNamesPastTheHeaderLimitAreChunked()
    {
        var model = new Sequential([Keras.Input([1]).Layer]);
        for (int i = 0; i < 70; i++)
        {
            model.Add(new SharpKeras.Layers.Dense(1, name: $"layer_{i:D3}_" + new string('x', 1000)));
        }
        var path = Path.Combine(_dir, "long.h5");
        model.Save(path);
        using (var h5 = H5File.OpenRead(path))
        {
            var group = h5.Group("model_weights");
            Assert.False(group.AttributeExists("layer_names"));
            Assert.True(group.AttributeExists("layer_names0"));
            Assert.True(group.AttributeExists("layer_names1"));
            Assert.All(group.Attributes(), a => Assert.True(a.Name != "layer_names0" || a.Read<string[]>().Sum(s => s.Length) <= 64512));
        }
        var loaded = Model.Load(path);
        Assert.Equal(70, loaded.Layers.Count);
        var x = Tensor.FromArray(new float[] { 0.5f, -1f }, 2, 1);
        Assert.Equal(model.Predict(x, verbose: 0).ToArray(), loaded.Predict(x, verbose: 0).ToArray());
    }
}
