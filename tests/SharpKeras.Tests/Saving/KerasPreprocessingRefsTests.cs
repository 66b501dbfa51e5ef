using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// The preprocessing models Keras 3.11 wrote (../shared/keras-refs2 prep_normalization, prep_image,
/// prep_encoding) load from .keras, .h5 and .weights.h5, reproduce Keras's outputs and print its summary.
/// </summary>
public class KerasPreprocessingRefsTests
{
    private static string Ref(string file) => Path.Combine(KerasOptimizerFileTests.s_dir!, file);

    private static JsonObject Manifest(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Ref("manifest.json")))!["models"]![name]!;

    private static Tensor[] Inputs(string name) =>
        [.. ((JsonObject)Manifest(name)["files"]!["inputs"]!).Select(p => NumpyFile.Load(Ref(p.Value!.GetValue<string>())))];

    private static Tensor[] Expected(string name)
    {
        var files = (JsonObject)Manifest(name)["files"]!;
        return files["outputs"] is JsonArray outs
            ? [.. outs.Select(o => NumpyFile.Load(Ref(o!.GetValue<string>())))]
            : [NumpyFile.Load(Ref(files["output"]!.GetValue<string>()))];
    }

    private static void AssertOutputs(string name, Model model)
    {
        var expected = Expected(name);
        var actual = model.PredictOutputs(Inputs(name), verbose: 0);
        Assert.Equal(expected.Length, actual.Length);
        for (int o = 0; o < expected.Length; o++)
        {
            Assert.Equal(expected[o].Shape, actual[o].Shape);
            var e = expected[o].ToArray();
            var a = actual[o].ToArray();
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - e[i]) <= 1e-5, $"{name} output {o} element {i}: {a[i]} versus Keras {e[i]}");
            }
        }
    }

    [Refs2Theory]
    [InlineData("prep_normalization", "keras")]
    [InlineData("prep_normalization", "h5")]
    [InlineData("prep_image", "keras")]
    [InlineData("prep_image", "h5")]
    [InlineData("prep_encoding", "keras")]
    [InlineData("prep_encoding", "h5")]
    public void LoadedModelPredictsAsKeras(string name, string ext) => AssertOutputs(name, Model.Load(Ref($"{name}.{ext}")));

    [Refs2Theory]
    [InlineData("prep_normalization", "keras")]
    [InlineData("prep_normalization", "h5")]
    [InlineData("prep_image", "keras")]
    [InlineData("prep_image", "h5")]
    [InlineData("prep_encoding", "keras")]
    [InlineData("prep_encoding", "h5")]
    public void SummaryMatchesKerasTable(string name, string ext)
    {
        string text = "";
        Model.Load(Ref($"{name}.{ext}")).Summary(s => text = s, lineLength: 76);
        Assert.Equal(File.ReadAllText(Ref($"{name}_summary.txt")).TrimEnd(), text.TrimEnd());
    }

    private static Model BuildInCode(string name)
    {
        switch (name)
        {
            case "prep_normalization":
            {
                var x = Keras.Input([3], name: "x");
                return new Model(x, new Normalization(name: "normalization").Apply(x), name);
            }
            case "prep_image":
            {
                var x = Keras.Input([12, 10, 3], name: "x");
                var r = new Rescaling(1 / 127.5, -1, name: "rescaling").Apply(x);
                var up = new Resizing(16, 20, name: "resize_up").Apply(r);
                var down = new Resizing(5, 7, name: "resize_down").Apply(r);
                return new Model([x], [up, down, new CenterCrop(8, 12, name: "center_crop").Apply(up)], name);
            }
            default:
            {
                var ids = Keras.Input([1], DType.Int32, "ids");
                var bags = Keras.Input([4], DType.Int32, "bags");
                var values = Keras.Input([5], name: "values");
                return new Model([ids, bags, values], [new CategoryEncoding(6, "one_hot").Apply(ids), new CategoryEncoding(6, "multi_hot").Apply(bags),
                    new CategoryEncoding(6, "count").Apply(bags), new Discretization([-1, 0, 0.5, 2]).Apply(values)], name);
            }
        }
    }

    [Refs2Theory]
    [InlineData("prep_normalization")]
    [InlineData("prep_image")]
    [InlineData("prep_encoding")]
    public void WeightsFileIntoModelBuiltInCodePredictsAsKeras(string name)
    {
        var model = BuildInCode(name);
        model.LoadWeights(Ref($"{name}.weights.h5"));
        AssertOutputs(name, model);
    }

    /// <summary>Adapt on Keras's adapt data gives the mean and (population) variance Keras stored, and Keras's outputs.</summary>
    [Refs2Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NormalizationAdaptsAsKeras(bool batched)
    {
        var manifest = Manifest("prep_normalization");
        var data = NumpyFile.Load(Ref(manifest["adapt_data"]!.GetValue<string>()));
        var model = BuildInCode("prep_normalization");
        var layer = (Normalization)model.Layers.Single(l => l is Normalization);
        if (batched)
        {
            // Keras's dataset path: batch statistics merged by count (batches of 16, 16, 16, 2).
            layer.Adapt(Enumerable.Range(0, 4).Select(b => data.Slice(b * 16, Math.Min(16, 50 - b * 16))));
        }
        else
        {
            layer.Adapt(data);
        }
        var mean = layer.Mean!.ToArray();
        var variance = layer.Variance!.ToArray();
        var kMean = manifest["adapted_mean"]![0]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var kVar = manifest["adapted_variance"]![0]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(kMean[i], mean[i], 1e-5);
            Assert.Equal(kVar[i], variance[i], Math.Abs(kVar[i]) * 1e-5);
        }
        AssertOutputs("prep_normalization", model);
    }
}
