using System.IO.Compression;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Configs and files of the layers of issue 16's first batch (Conv1DTranspose, Cropping1D/2D/3D, ZeroPadding1D/3D,
/// UpSampling1D/3D, Group/Unit/RMSNormalization, SpatialDropout1D/3D, GaussianNoise, GaussianDropout, AlphaDropout,
/// ActivityRegularization, Identity, GlobalMax/AveragePooling3D): Keras's keys, round trips, and models holding them
/// saved to .keras and .weights.h5 predicting bit-identically after loading.
/// </summary>
public sealed class MiscLayerConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-misccfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, (Func<Layer> Make, int[] Shape)> Samples() => new()
    {
        ["conv1d_transpose"] = (() => new Conv1DTranspose(3, 4, strides: 2, padding: "same", activation: "relu", biasInitializer: new RandomNormal(0, 0.3, 1)), [5, 2]),
        ["cropping1d"] = (() => new Cropping1D((1, 2)), [6, 2]),
        ["cropping2d"] = (() => new Cropping2D((1, 0), (2, 1)), [5, 6, 2]),
        ["cropping3d"] = (() => new Cropping3D((1, 0), (0, 1), (1, 1)), [3, 3, 4, 2]),
        ["zero_padding1d"] = (() => new ZeroPadding1D((2, 1)), [4, 2]),
        ["zero_padding3d"] = (() => new ZeroPadding3D((1, 0), (0, 2), (1, 1)), [2, 2, 2, 2]),
        ["up_sampling1d"] = (() => new UpSampling1D(3), [4, 2]),
        ["up_sampling3d"] = (() => new UpSampling3D((1, 2, 2)), [2, 2, 2, 2]),
        ["group_normalization"] = (() => new GroupNormalization(2, epsilon: 1e-5, betaInitializer: new RandomNormal(0, 1, 2), gammaInitializer: new RandomNormal(1, 0.3, 3)), [5, 4]),
        ["unit_normalization"] = (() => new UnitNormalization([1, 2]), [3, 4]),
        ["rms_normalization"] = (() => new RMSNormalization(epsilon: 1e-4), [3, 4]),
        ["spatial_dropout1d"] = (() => new SpatialDropout1D(0.3, seed: 4), [5, 3]),
        ["spatial_dropout3d"] = (() => new SpatialDropout3D(0.3, seed: 5), [2, 2, 2, 3]),
        ["gaussian_noise"] = (() => new GaussianNoise(0.2, seed: 6), [4]),
        ["gaussian_dropout"] = (() => new GaussianDropout(0.4, seed: 7), [4]),
        ["alpha_dropout"] = (() => new AlphaDropout(0.2, seed: 8), [4]),
        ["activity_regularization"] = (() => new ActivityRegularization(0.01, 0.02), [4]),
        ["identity"] = (() => new SharpKeras.Layers.Identity(), [4]),
        ["global_max_pooling3d"] = (() => new GlobalMaxPooling3D(), [2, 3, 2, 3]),
        ["global_average_pooling3d"] = (() => new GlobalAveragePooling3D(keepDims: true), [2, 3, 2, 3]),
        ["depthwise_conv1d"] = (() => new DepthwiseConv1D(3, depthMultiplier: 2, padding: "same", biasInitializer: new RandomNormal(0, 0.3, 9)), [5, 2]),
        ["separable_conv1d"] = (() => new SeparableConv1D(3, 3, strides: 2, depthMultiplier: 2, activation: "tanh", biasInitializer: new RandomNormal(0, 0.3, 10)), [6, 2]),
        ["up_sampling2d"] = (() => new UpSampling2D((2, 3), "bilinear"), [3, 2, 2]),
    };

    public static TheoryData<string> Cases() => [.. Samples().Keys];

    private static (Model Model, Tensor X) Make(string which)
    {
        var (make, shape) = Samples()[which];
        var input = Keras.Input(shape);
        var y = new Flatten().Apply(make().Apply(input));
        var model = new Model(input, new Dense(2, kernelInitializer: new GlorotUniform(1)).Apply(y), which + "_model");
        return (model, GradCheck.Random(11, -2, 2, [3, .. shape]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConfigRoundTrips(string which)
    {
        var layer = Samples()[which].Make();
        Assert.Equal(which, layer.DefaultName);
        var json = KerasSerializer.Serialize(layer).ToJsonString();
        var again = KerasSerializer.Layer(JsonNode.Parse(json));
        Assert.Equal(layer.GetType(), again.GetType());
        Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ModelSavedAsKerasAndWeightsPredictsBitIdentically(string which)
    {
        var (model, x) = Make(which);
        var y = model.Predict(x, verbose: 0).ToArray();
        var path = Path.Combine(_dir, which + ".keras");
        model.Save(path);
        var back = Model.Load(path);
        Assert.Equal(y, back.Predict(x, verbose: 0).ToArray());
        Assert.Equal(KerasSerializer.Serialize(model).ToJsonString(), KerasSerializer.Serialize(back).ToJsonString());

        var weights = Path.Combine(_dir, which + ".weights.h5");
        model.SaveWeights(weights);
        var (fresh, _) = Make(which);
        fresh.LoadWeights(weights);
        Assert.Equal(y, fresh.Predict(x, verbose: 0).ToArray());
    }

    [Fact]
    public void ConfigsUseKerasKeys()
    {
        static JsonObject Config(Layer l) => (JsonObject)KerasSerializer.Serialize(l)["config"]!;
        static string[] Keys(Layer l) => [.. Config(l).Select(p => p.Key)];
        Assert.Equal(["name", "trainable", "dtype", "cropping"], Keys(new Cropping1D()));
        Assert.Equal("[[1,0],[2,1]]", Config(new Cropping2D((1, 0), (2, 1)))["cropping"]!.ToJsonString());
        Assert.Equal("[[1,1],[1,1],[1,1]]", Config(new Cropping3D())["cropping"]!.ToJsonString());
        Assert.Equal(["name", "trainable", "dtype", "padding", "data_format"], Keys(new ZeroPadding3D()));
        Assert.Equal(["name", "trainable", "dtype", "size", "data_format"], Keys(new UpSampling3D()));
        Assert.Equal("[2,2,2]", Config(new UpSampling3D())["size"]!.ToJsonString());
        Assert.Equal(["rate", "seed", "name", "dtype"], Keys(new SpatialDropout1D(0.1)));
        Assert.Equal(["rate", "seed", "name", "dtype", "data_format"], Keys(new SpatialDropout3D(0.1)));
        Assert.Equal(["name", "trainable", "dtype", "stddev", "seed"], Keys(new GaussianNoise(0.1)));
        Assert.Equal(["name", "trainable", "dtype", "rate", "seed"], Keys(new GaussianDropout(0.1)));
        Assert.Equal(["name", "trainable", "dtype", "rate", "seed", "noise_shape"], Keys(new AlphaDropout(0.1)));
        Assert.Equal(["name", "trainable", "dtype", "l1", "l2"], Keys(new ActivityRegularization(0.1)));
        Assert.Equal(["name", "trainable", "dtype"], Keys(new SharpKeras.Layers.Identity()));
        Assert.Equal(["name", "trainable", "dtype", "axis", "epsilon"], Keys(new RMSNormalization()));
        var rms = new RMSNormalization();
        Assert.Equal("-1", Config(rms)["axis"]!.ToJsonString());
        rms.Apply(Tensor.Zeros(new Shape(2, 3)));
        Assert.Equal("[-1]", Config(rms)["axis"]!.ToJsonString()); // Keras keeps the axis as a list once built
        var groups = new GroupNormalization(-1);
        groups.Apply(Tensor.Zeros(new Shape(2, 3, 6)));
        Assert.Equal(6, Config(groups)["groups"]!.GetValue<int>()); // as Keras, instance normalization writes the channel count
        // Keras builds these at construction: no build_config.
        var (m, _) = Make("gaussian_noise");
        Assert.Null(KerasSerializer.Serialize(m.Layers.OfType<GaussianNoise>().Single())["build_config"]);
    }

    private static string? RefsDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "keras-refs2"), Path.Combine(dir.FullName, "..", "shared", "keras-refs2") })
            {
                if (File.Exists(Path.Combine(candidate, "manifest.json")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        return null;
    }

    [Fact]
    public void KerasWrittenConfigsOfTheReferenceModelsReadBackToTheSameConfig()
    {
        var dir = RefsDir();
        if (dir is null)
        {
            return;
        }
        string[] ours = ["Conv1DTranspose", "Cropping1D", "ZeroPadding1D", "UpSampling1D", "GroupNormalization", "UnitNormalization", "Cropping2D"];
        int seen = 0;
        foreach (var name in new[] { "layers_misc_1d", "layers_misc_2d" })
        {
            using var zip = ZipFile.OpenRead(Path.Combine(dir, name + ".keras"));
            using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
            var config = JsonNode.Parse(reader.ReadToEnd())!;
            foreach (var layer in config["config"]!["layers"]!.AsArray())
            {
                var cls = layer!["class_name"]!.GetValue<string>();
                if (!ours.Contains(cls))
                {
                    continue;
                }
                var keras = (JsonObject)layer["config"]!.DeepClone();
                var ourConfig = KerasSerializer.Layer(layer.DeepClone()).GetConfig();
                // Keras's dtype policy carries a shared_object_id of the Python object; the rest must agree.
                keras.Remove("dtype");
                ourConfig.Remove("dtype");
                // Numbers compare by value: Python writes 1e-05 where .NET writes 1E-05.
                Assert.True(JsonNode.DeepEquals(keras, ourConfig), $"{cls}: Keras {keras.ToJsonString()} versus ours {ourConfig.ToJsonString()}");
                seen++;
            }
        }
        Assert.Equal(8, seen);
    }
}
