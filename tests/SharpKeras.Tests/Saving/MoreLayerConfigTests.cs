using System.Text.Json.Nodes;
using PureHDF;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Configs of ZeroPadding2D, UpSampling2D, Reshape, Permute, SpatialDropout2D, Masking, RepeatVector and
/// TimeDistributed (Keras 3.11's keys): each config round-trips, and a model holding the layer saved to
/// .keras loads back predicting bit-identically.
/// </summary>
public sealed class MoreLayerConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-morecfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Cases() => [.. Layers().Keys];

    private static Dictionary<string, Func<Layer>> Layers() => new()
    {
        ["zero_padding2d"] = () => new ZeroPadding2D((1, 2), (0, 3), name: "zp"),
        ["up_sampling2d"] = () => new UpSampling2D((2, 1), name: "up"),
        ["reshape"] = () => new Reshape([-1, 6], name: "rs"),
        ["permute"] = () => new Permute([2, 1], name: "perm"),
        ["spatial_dropout2d"] = () => new SpatialDropout2D(0.25, seed: 3, name: "sd"),
        ["masking"] = () => new Masking(-1.5, name: "mask"),
        ["repeat_vector"] = () => new RepeatVector(4, name: "rv"),
        ["time_distributed"] = () => new TimeDistributed(new Dense(5, activation: "tanh", name: "inner"), name: "td"),
    };

    // A small model around each layer, and an input for it.
    private static (Sequential Model, Tensor X) Make(string which)
    {
        var layer = Layers()[which]();
        (Layer[] Layers, int[] Shape) spec = which switch
        {
            "zero_padding2d" or "up_sampling2d" or "spatial_dropout2d" =>
                ([new Conv2D(2, 3, activation: "relu"), layer, new Flatten(), new Dense(2)], [6, 5, 2]),
            "reshape" or "permute" => ([new Dense(3), layer, new Flatten(), new Dense(2)], [4, 3]),
            "masking" => ([layer, new LSTM(3, returnSequences: true), new Flatten(), new Dense(2)], [5, 3]),
            "repeat_vector" => ([new Dense(3), layer, new GRU(2)], [5]),
            _ => ([layer, new Flatten(), new Dense(1)], [4, 3]),
        };
        var (layers, shape) = spec;
        var model = new Sequential(layers, which + "_model");
        model.EnsureBuilt(new Shape([-1, .. shape]));
        var x = GradCheck.Random(11, -2, 2, [3, .. shape]).ToArray();
        if (which == "masking")
        {
            Array.Fill(x, -1.5f, 3 * 2, 3); // sample 0, step 2 masked
            Array.Fill(x, -1.5f, 15 + 3 * 4, 3); // sample 1, step 4 masked
        }
        return (model, Tensor.FromArray(x, [3, .. shape]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConfigRoundTrips(string which)
    {
        var layer = Layers()[which]();
        var json = KerasSerializer.Serialize(layer).ToJsonString();
        var again = KerasSerializer.Layer(JsonNode.Parse(json));
        Assert.Equal(layer.GetType(), again.GetType());
        Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
        Assert.Equal(layer.GetConfig().ToJsonString(), again.GetConfig().ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ModelSavedAsKerasPredictsBitIdentically(string which)
    {
        var (model, x) = Make(which);
        var y = model.Predict(x, verbose: 0).ToArray();
        var path = Path.Combine(_dir, which + ".keras");
        model.Save(path);
        var back = Model.Load(path);
        Assert.Equal(y, back.Predict(x, verbose: 0).ToArray());
        Assert.Equal(KerasSerializer.Serialize(model).ToJsonString(), KerasSerializer.Serialize(back).ToJsonString());
    }

    [Fact]
    public void ConfigsUseKerasKeys()
    {
        static JsonObject Config(Layer l) => (JsonObject)KerasSerializer.Serialize(l)["config"]!;
        static string[] Keys(Layer l) => [.. Config(l).Select(p => p.Key)];
        var layers = Layers();
        Assert.Equal("[[1,2],[0,3]]", Config(layers["zero_padding2d"]())["padding"]!.ToJsonString());
        Assert.Equal(["name", "trainable", "dtype", "padding", "data_format"], Keys(layers["zero_padding2d"]()));
        Assert.Equal(["name", "trainable", "dtype", "size", "data_format", "interpolation"], Keys(layers["up_sampling2d"]()));
        Assert.Equal("[2,1]", Config(layers["up_sampling2d"]())["size"]!.ToJsonString());
        Assert.Equal("[-1,6]", Config(layers["reshape"]())["target_shape"]!.ToJsonString());
        Assert.Equal("[2,1]", Config(layers["permute"]())["dims"]!.ToJsonString());
        Assert.Equal(["rate", "seed", "name", "dtype", "data_format"], Keys(layers["spatial_dropout2d"]()));
        Assert.Equal(-1.5, Config(layers["masking"]())["mask_value"]!.GetValue<double>());
        Assert.Equal(4, Config(layers["repeat_vector"]())["n"]!.GetValue<int>());
        Assert.Equal(["name", "trainable", "dtype", "layer"], Keys(layers["time_distributed"]()));
        Assert.Equal("Dense", Config(layers["time_distributed"]())["layer"]!["class_name"]!.GetValue<string>());
    }

    [Fact]
    public void BuildConfigsFollowKeras()
    {
        var (images, _) = Make("spatial_dropout2d");
        Assert.Null(KerasSerializer.Serialize(images.Layers[1])["build_config"]);
        var (masked, _) = Make("masking");
        Assert.Null(KerasSerializer.Serialize(masked.Layers[0])["build_config"]);
        var (td, _) = Make("time_distributed");
        Assert.Equal("[null,4,3]", KerasSerializer.Serialize(td.Layers[0])["build_config"]!["input_shape"]!.ToJsonString());
    }

    [Fact]
    public void KerasStyleConfigsAreRead()
    {
        // Keras also accepts an int or (rows, columns) for ZeroPadding2D and an int for UpSampling2D's size.
        var zp = ZeroPadding2D.FromConfig(new JsonObject { ["name"] = "z", ["padding"] = new JsonArray(2, 3), ["data_format"] = "channels_last" });
        Assert.Equal((2, 2), zp.Rows);
        Assert.Equal((3, 3), zp.Columns);
        var up = UpSampling2D.FromConfig(new JsonObject { ["size"] = 3 });
        Assert.Equal(new Size2D(3, 3), up.Size);
        var bad = new JsonObject { ["size"] = 2, ["data_format"] = "channels_first", ["name"] = "u" };
        Assert.Contains("channels_first", Assert.ThrowsAny<FormatException>(() => UpSampling2D.FromConfig(bad)).Message);
        var bicubic = new JsonObject { ["size"] = 2, ["interpolation"] = "bicubic", ["name"] = "u" };
        Assert.Contains("bicubic", Assert.ThrowsAny<FormatException>(() => UpSampling2D.FromConfig(bicubic)).Message);
    }

    [Fact]
    public void TimeDistributedWeightsSitUnderLayer()
    {
        var (model, x) = Make("time_distributed");
        var path = Path.Combine(_dir, "td.weights.h5");
        model.SaveWeights(path);
        var dense = ((TimeDistributed)model.Layers[0]).Layer;
        using (var file = H5File.OpenRead(path))
        {
            Assert.Equal(dense.Weights[0].Value.ToArray(), file.Dataset("layers/time_distributed/layer/vars/0").Read<float[]>());
            Assert.Equal(dense.Weights[1].Value.ToArray(), file.Dataset("layers/time_distributed/layer/vars/1").Read<float[]>());
        }
        var (other, _) = Make("time_distributed");
        other.LoadWeights(path);
        Assert.Equal(model.Predict(x, verbose: 0).ToArray(), other.Predict(x, verbose: 0).ToArray());
    }
}
