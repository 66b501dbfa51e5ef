using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Preprocessing;

// SharpKeras.Tests.Layers.Normalization (a test namespace) would hide the layer otherwise.
using Normalization = SharpKeras.Layers.Preprocessing.Normalization;

/// <summary>Values, configs, bad inputs and saved state of Normalization, Rescaling, Resizing, CenterCrop, CategoryEncoding and Discretization.</summary>
public sealed class PreprocessingLayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-prep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void Close(float[] expected, Tensor actual, double tol = 1e-5)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol, $"element {i}: {a[i]}, expected {expected[i]}");
        }
    }

    private static void RoundTrips(Layer layer)
    {
        var json = KerasSerializer.Serialize(layer).ToJsonString();
        var again = KerasSerializer.Layer(JsonNode.Parse(json));
        Assert.Equal(layer.GetType(), again.GetType());
        Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
    }

    public static TheoryData<string> ConfigSamples() => ["normalization", "normalization_given", "rescaling", "rescaling_channels", "resizing", "center_crop", "category_encoding", "discretization", "discretization_adapted"];

    private static Layer Sample(string name) => name switch
    {
        "normalization" => new Normalization(axis: [1, 2], invert: true, name: "n"),
        "normalization_given" => new Normalization(-1, mean: [1, 2, 3], variance: [4, 5, 6]),
        "rescaling" => new Rescaling(1 / 255.0, 0.5),
        "rescaling_channels" => new Rescaling([1, 2, 3], [0.5]),
        "resizing" => new Resizing(7, 9, "bicubic", padToAspectRatio: true, fillValue: 2, antialias: true, dataFormat: "channels_first"),
        "center_crop" => new CenterCrop(3, 5, "channels_first"),
        "category_encoding" => new CategoryEncoding(12, "count"),
        "discretization" => new Discretization([0, 1.5, 3], outputMode: "multi_hot", epsilon: 0.05),
        _ => Adapted(new Discretization(numBins: 3), Tensor.FromArray([.. Enumerable.Range(0, 30).Select(i => (float)i)], 30)),
    };

    private static Discretization Adapted(Discretization d, Tensor data)
    {
        d.Adapt(data);
        return d;
    }

    [Theory]
    [MemberData(nameof(ConfigSamples))]
    public void ConfigRoundTrips(string sample) => RoundTrips(Sample(sample));

    [Fact]
    public void ConfigsUseKerasKeys()
    {
        var r = KerasSerializer.Serialize(new Resizing(4, 5))["config"]!.AsObject();
        foreach (var key in new[] { "height", "width", "interpolation", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_mode", "fill_value", "antialias", "data_format" })
        {
            Assert.True(r.ContainsKey(key), key);
        }
        Assert.Equal("bilinear", r["interpolation"]!.GetValue<string>());
        var d = KerasSerializer.Serialize(new Discretization([1, 2]))["config"]!.AsObject();
        Assert.Equal("int64", d["dtype"]!.GetValue<string>());
        Assert.False(d.ContainsKey("trainable"));
        var n = KerasSerializer.Serialize(new Normalization())["config"]!.AsObject();
        Assert.Equal("[-1]", n["axis"]!.ToJsonString());
        Assert.Null(n["mean"]);
        Assert.Equal("multi_hot", KerasSerializer.Serialize(new CategoryEncoding(3))["config"]!["output_mode"]!.GetValue<string>());
    }

    [Fact]
    public void RescalingScalesAndOffsets()
    {
        Close([-1f, 0f, 1f], new Rescaling(1 / 127.5, -1).Apply(Tensor.FromArray([0f, 127.5f, 255f], 1, 3)));
        Close([0.5f, 2.5f, 3.5f, 4.5f, 8.5f, 9.5f], new Rescaling([1, 2, 3], [0.5]).Apply(Tensor.FromArray([0f, 1, 1, 4, 4, 3], 2, 3)));
        var e = Assert.Throws<ArgumentException>(() => new Rescaling([1, 2, 3], [0], name: "rs").Apply(Tensor.Zeros(new Shape(2, 4))));
        Assert.Contains("rs", e.Message);
        Assert.Contains("3", e.Message);
        Assert.Contains("(2, 4)", e.Message);
    }

    [Fact]
    public void NormalizationAdaptsAndInvertsAsKerasDocuments()
    {
        // Keras's docstring example.
        var adapt = Tensor.FromArray([0f, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6], 4, 3);
        var layer = new Normalization();
        layer.Adapt(adapt);
        Close([1f, 8, 5], layer.Mean!);
        Close([1f, 1, 1], layer.Variance!);
        Close([0f, -6, -2], layer.Apply(Tensor.FromArray([1f, 2, 3], 1, 3)));
        var inverse = new Normalization(invert: true);
        inverse.Adapt(adapt);
        Close([2f, 10, 8], inverse.Apply(Tensor.FromArray([1f, 2, 3], 1, 3)));
        // Given values, and one scalar mean and variance over everything (axis=None).
        Close([0f, 0.5f, 1f], new Normalization(-1, mean: [1, 2, 3], variance: [4, 4, 4]).Apply(Tensor.FromArray([1f, 3, 5], 1, 3)));
        var all = new Normalization(axis: Array.Empty<int>());
        all.Adapt(Tensor.FromArray([1f, 3, 1, 3], 2, 2));
        Close([2f], all.Mean!);
        Close([1f], all.Variance!);
        Assert.Equal(3, all.CountParams());
    }

    [Fact]
    public void NormalizationBatchedAdaptMergesAsKeras()
    {
        var data = GradCheck.Random(3, -2, 5, 37, 2, 3);
        var whole = new Normalization(axis: [1, 2]);
        whole.Adapt(data);
        var batched = new Normalization(axis: [1, 2]);
        batched.Adapt(new[] { data.Slice(0, 10), data.Slice(10, 20), data.Slice(30, 7) });
        Close(whole.Mean!.ToArray(), batched.Mean!);
        Close(whole.Variance!.ToArray(), batched.Variance!, 1e-4);
    }

    [Fact]
    public void NormalizationRefusesBadInputNamingTheLayer()
    {
        var layer = new Normalization(name: "norm");
        layer.Adapt(Tensor.Ones(new Shape(4, 3)));
        var e = Assert.Throws<ArgumentException>(() => layer.Apply(Tensor.Zeros(new Shape(2, 4))));
        Assert.Contains("norm", e.Message);
        Assert.Contains("(3)", e.Message);
        Assert.Contains("(2, 4)", e.Message);
        var adaptShape = Assert.Throws<ArgumentException>(() => layer.Adapt(Tensor.Zeros(new Shape(5, 2))));
        Assert.Contains("norm", adaptShape.Message);
        var axis = Assert.Throws<ArgumentException>(() => new Normalization(axis: 3, name: "n3").Apply(Tensor.Zeros(new Shape(2, 4))));
        Assert.Contains("n3", axis.Message);
        Assert.Contains("axis 3", axis.Message);
        Assert.Throws<ArgumentException>(() => new Normalization(mean: [1.0]));
        Assert.Throws<InvalidOperationException>(() => new Normalization(mean: [1.0], variance: [1.0]).Adapt(Tensor.Zeros(new Shape(2, 1))));
    }

    [Fact]
    public void ResizingInterpolatesAsTorch()
    {
        var row = Tensor.FromArray([0f, 1, 2, 3], 1, 1, 4, 1);
        // Half-pixel centres: 4 -> 2 samples at 0.5 and 2.5.
        Close([0.5f, 2.5f], new Resizing(1, 2).Apply(row));
        // Antialias: a triangle filter twice as wide, weights (0.75, 0.75, 0.25) / 1.75 and mirrored.
        Close([1.25f / 1.75f, 4f / 1.75f], new Resizing(1, 2, antialias: true).Apply(row));
        // Nearest (nearest-exact): floor((o + 0.5) * scale).
        Close([1f, 3f], new Resizing(1, 2, "nearest").Apply(row));
        Close([0f, 0, 1, 1, 2, 2, 3, 3], new Resizing(1, 8, "nearest").Apply(row));
        // Upscaling 2 -> 4 bilinear: sources -0.25 (clamped), 0.25, 0.75, 1.25 (clamped to the edge).
        Close([0f, 0.25f, 0.75f, 1f], new Resizing(1, 4).Apply(Tensor.FromArray([0f, 1], 1, 1, 2, 1)));
        // Bicubic keeps a constant image constant and a same-size resize is the identity.
        Close([5f, 5, 5, 5, 5, 5], new Resizing(2, 3, "bicubic").Apply(Tensor.Full(new Shape(1, 3, 2, 1), 5f)));
        var img = GradCheck.Random(4, 0, 1, 2, 5, 4, 3);
        Close(img.ToArray(), new Resizing(5, 4, "bicubic").Apply(img));
        // A single image (rank 3) and channels_first.
        Assert.Equal(new Shape(3, 6, 3), new Resizing(3, 6).Apply(Tensor.Zeros(new Shape(5, 4, 3))).Shape);
        var cf = new Resizing(3, 2, dataFormat: "channels_first").Apply(Tensor.Zeros(new Shape(2, 3, 5, 4)));
        Assert.Equal(new Shape(2, 3, 3, 2), cf.Shape);
    }

    [Fact]
    public void ResizingCropsOrPadsToTheAspectRatio()
    {
        // 2 x 4 image to 2 x 2: the centred 2 x 2 window (columns 1, 2), then an identity resize.
        var img = Tensor.FromArray([0f, 1, 2, 3, 4, 5, 6, 7], 1, 2, 4, 1);
        Close([1f, 2, 5, 6], new Resizing(2, 2, cropToAspectRatio: true).Apply(img));
        // Padded to 4 x 4 with one fill row above and below, then resized to 4 x 4 (identity).
        Close([9f, 9, 9, 9, 0, 1, 2, 3, 4, 5, 6, 7, 9, 9, 9, 9], new Resizing(4, 4, padToAspectRatio: true, fillValue: 9).Apply(img));
        Assert.Throws<ArgumentException>(() => new Resizing(2, 2, cropToAspectRatio: true, padToAspectRatio: true));
    }

    [Fact]
    public void ResizingRefusesBadInputNamingTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => new Resizing(2, 2, name: "rz").Apply(Tensor.Zeros(new Shape(4, 4))));
        Assert.Contains("rz", e.Message);
        Assert.Contains("rank 4", e.Message);
        Assert.Contains("got rank 2", e.Message);
        var interp = Assert.Throws<ArgumentException>(() => new Resizing(2, 2, "lanczos3", name: "rz2"));
        Assert.Contains("rz2", interp.Message);
        Assert.Contains("lanczos3", interp.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resizing(0, 2));
        var crop = Assert.Throws<ArgumentException>(() => new CenterCrop(2, 2, name: "cc").Apply(Tensor.Zeros(new Shape(2, 4, 4, 1, 1))));
        Assert.Contains("cc", crop.Message);
        Assert.Contains("got rank 5", crop.Message);
    }

    [Fact]
    public void ResizingIsDifferentiable()
    {
        var layer = new Resizing(3, 5, antialias: true);
        GradCheck.Check(x => layer.Apply(x[0]), [GradCheck.Random(5, -1, 1, 2, 4, 3, 2)]);
        var padded = new Resizing(4, 3, "bicubic", padToAspectRatio: true, fillValue: 0.5);
        GradCheck.Check(x => padded.Apply(x[0]), [GradCheck.Random(6, -1, 1, 1, 2, 3, 2)]);
    }

    [Fact]
    public void CenterCropCropsOrSmartResizes()
    {
        var img = Tensor.FromArray([.. Enumerable.Range(0, 16).Select(i => (float)i)], 1, 4, 4, 1);
        Close([5f, 6, 9, 10], new CenterCrop(2, 2).Apply(img));
        Close([4f, 5, 6, 8, 9, 10], new CenterCrop(2, 3).Apply(img));
        // Smaller than the target: crop to the aspect ratio and resize bilinearly (a 4 x 4 to 8 x 8 upscale).
        var up = new CenterCrop(8, 8).Apply(img);
        Close(new Resizing(8, 8).Apply(img).ToArray(), up);
    }

    [Fact]
    public void CategoryEncodingEncodesAsKeras()
    {
        Close([0f, 1, 0, 0, 0, 0, 0, 1], new CategoryEncoding(4, "one_hot").Apply(Tensor.FromArray(new[] { 1, 3 }, 2, 1)));
        var bags = Tensor.FromArray(new[] { 0, 1, 1, 3, 2, 2, 2, 2 }, 2, 4);
        Close([1f, 1, 0, 1, 0, 0, 1, 0], new CategoryEncoding(4).Apply(bags));
        Close([1f, 2, 0, 1, 0, 0, 4, 0], new CategoryEncoding(4, "count").Apply(bags));
        Assert.Equal(new Shape(2, 4, 4), new CategoryEncoding(4, "one_hot").Apply(bags).Shape);
        var e = Assert.Throws<ArgumentException>(() => new CategoryEncoding(3, name: "ce").Apply(bags));
        Assert.Contains("ce", e.Message);
        Assert.Contains("0 <= values < 3", e.Message);
        Assert.Contains("is 3", e.Message);
        var frac = Assert.Throws<ArgumentException>(() => new CategoryEncoding(3, name: "ce2").Apply(Tensor.FromArray([0.5f], 1, 1)));
        Assert.Contains("ce2", frac.Message);
        Assert.Contains("0.5", frac.Message);
        Assert.Throws<ArgumentException>(() => new CategoryEncoding(3, "tf_idf"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CategoryEncoding(0));
    }

    [Fact]
    public void DiscretizationBucketsAndAdaptsAsKeras()
    {
        var x = Tensor.FromArray([-1.5f, 0f, 1.5f, 3f, 0.99f, 2f], 2, 3);
        // Bin indices as whole float32 values (Keras's dtype is int64; see the class remarks).
        Close([0f, 1, 2, 3, 1, 3], new Discretization([0, 1, 2]).Apply(x));
        Close([1f, 1, 1, 0, 0, 1, 0, 1], new Discretization([0, 1, 2], outputMode: "multi_hot").Apply(x));
        // Keras's quantile summary on 0..99: boundaries at cumulative fractions 1/4, 2/4, 3/4 of 1..99.
        var d = new Discretization(numBins: 4);
        d.Adapt(Tensor.FromArray([.. Enumerable.Range(0, 100).Select(i => (float)i)], 100));
        Assert.Equal(3, d.BinBoundaries!.Count);
        Assert.Equal(24.75, d.BinBoundaries[0], 1e-3);
        Assert.Equal(49.5, d.BinBoundaries[1], 1e-3);
        Assert.Equal(74.25, d.BinBoundaries[2], 1e-3);
        var e = Assert.Throws<InvalidOperationException>(() => new Discretization(numBins: 3, name: "disc").Apply(x));
        Assert.Contains("disc", e.Message);
        Assert.Throws<ArgumentException>(() => new Discretization([0, 1], numBins: 2));
        Assert.Throws<ArgumentException>(() => new Discretization());
        var order = Assert.Throws<ArgumentException>(() => new Discretization([2, 1], name: "d2"));
        Assert.Contains("d2", order.Message);
        Assert.Throws<InvalidOperationException>(() => new Discretization([1, 2]).Adapt(x));
    }

    [Fact]
    public void AdaptedStateSavesAndLoads()
    {
        var input = Keras.Input([3]);
        var norm = new Normalization();
        norm.Adapt(GradCheck.Random(1, -3, 3, 20, 3));
        var disc = new Discretization(numBins: 5, outputMode: "count");
        disc.Adapt(GradCheck.Random(2, -1, 1, 50, 3));
        var model = new Model(input, disc.Apply(norm.Apply(input)));
        var x = GradCheck.Random(3, -3, 3, 4, 3);
        var before = model.Predict(x, verbose: 0).ToArray();
        foreach (var ext in new[] { "keras", "h5" })
        {
            var path = Path.Combine(_dir, "adapted." + ext);
            model.Save(path);
            var back = Model.Load(path);
            var n2 = back.Layers.OfType<Normalization>().Single();
            Assert.Equal(norm.Mean!.ToArray(), n2.Mean!.ToArray());
            Assert.Equal(norm.Variance!.ToArray(), n2.Variance!.ToArray());
            Assert.Equal(disc.BinBoundaries, back.Layers.OfType<Discretization>().Single().BinBoundaries);
            Assert.Equal(before, back.Predict(x, verbose: 0).ToArray());
        }
    }
}
