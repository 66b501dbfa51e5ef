using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Preprocessing;

/// <summary>RandomRotation, RandomZoom, RandomTranslation and RandomCrop: exact transforms at pinned factors, seeding, fresh draws on replay, configs, saving and bad input.</summary>
public sealed class RandomAffineLayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-affine-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Tensor Images(int seed, params int[] shape) => GradCheck.Random(seed, 0, 255, shape);

    // x[b, i, j, c] = 10 i + j + 100 b + 1000 c: linear in i and j, so bilinear reads inside are exact.
    private static Tensor Grid(int n, int h, int w, int c)
    {
        var v = new float[n * h * w * c];
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    for (int k = 0; k < c; k++)
                    {
                        v[((b * h + i) * w + j) * c + k] = 10 * i + j + 100 * b + 1000 * k;
                    }
                }
            }
        }
        return Tensor.FromArray(v, n, h, w, c);
    }

    public static TheoryData<string> Kinds() => ["rotation", "zoom", "translation", "crop"];

    private static Layer Make(string kind, int? seed = 7, string? name = null) => kind switch
    {
        "rotation" => new RandomRotation(0.2, seed: seed, name: name),
        "zoom" => new RandomZoom([-0.3, 0.2], [0.1], fillMode: "wrap", seed: seed, name: name),
        "translation" => new RandomTranslation([0.2], [-0.1, 0.3], fillMode: "constant", interpolation: "nearest", seed: seed, fillValue: 3, name: name),
        _ => new RandomCrop(4, 5, seed: seed, name: name),
    };

    [Fact]
    public void RotationByAQuarterTurnIsExactlyRot90()
    {
        var x = Images(1, 2, 5, 5, 3);
        var y = new RandomRotation([0.25, 0.25], fillMode: "constant", interpolation: "nearest", seed: 1).Apply(x, training: true);
        for (int b = 0; b < 2; b++)
        {
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        // Counter-clockwise: transpose, then flip the rows (numpy's rot90).
                        Assert.Equal(x[b, j, 4 - i, c], y[b, i, j, c]);
                    }
                }
            }
        }
    }

    [Fact]
    public void ZoomAndTranslationAtPinnedFactorsAreKerasMatrices()
    {
        var x = Grid(1, 5, 5, 2);
        // Zoom 0.5 (in) about the centre: row 0.5 i + 1, column 0.5 j + 1, read bilinearly.
        var zoomed = new RandomZoom([-0.5, -0.5], seed: 1).Apply(x, training: true);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                Assert.Equal(10 * (0.5f * i + 1) + 0.5f * j + 1 + 1000, zoomed[0, i, j, 1], 3);
            }
        }
        // Down by 0.2 x 5 = 1 row, left by 0.4 x 5 = 2 columns; constant fill 0 elsewhere.
        var moved = new RandomTranslation([0.2, 0.2], [-0.4, -0.4], fillMode: "constant", seed: 1).Apply(x, training: true);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                float expected = i >= 1 && j + 2 < 5 ? x[0, i - 1, j + 2, 0] : 0f;
                Assert.Equal(expected, moved[0, i, j, 0], 4);
            }
        }
        // Only a height factor: the one draw zooms both axes (Keras's width_factor=None).
        var same = new RandomZoom([0.4, 0.4], seed: 2, fillMode: "nearest").Apply(x, training: true);
        Assert.Equal(same[0, 2, 0, 0] - same[0, 2, 2, 0], (same[0, 0, 2, 0] - same[0, 2, 2, 0]) / 10, 3);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void IdentityAtInferenceSeededAndFreshEachCallInTraining(string kind)
    {
        var x = Images(2, 3, 8, 9, 2);
        Assert.Equal(x.ToArray(), Make(kind).Apply(x).ToArray());
        var layer = Make(kind);
        var a = layer.Apply(x, training: true).ToArray();
        Assert.Equal(a, Make(kind).Apply(x, training: true).ToArray());
        Assert.NotEqual(a, Make(kind, seed: 8).Apply(x, training: true).ToArray());
        Assert.NotEqual(a, layer.Apply(x, training: true).ToArray());
        if (kind != "crop")
        {
            Assert.NotEqual(x.ToArray(), a);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ReplayedStepDrawsAfresh(string kind)
    {
        var x = Images(3, 2, 8, 9, 2);
        var layer = Make(kind);
        Tensor y;
        var tape = new GradientTape();
        using (tape)
        {
            tape.Watch(x);
            y = layer.Apply(x, training: true);
            var grads = tape.Gradient(SharpKeras.Ops.Sum(y), [x]);
            Assert.NotNull(grads[0]);
        }
        var first = y.ToArray();
        tape.ReplayForward();
        Assert.NotEqual(first, y.ToArray());
    }

    [Fact]
    public void RandomCropWindowsAreSharedByTheBatchAndSmallImagesResize()
    {
        var x = Grid(3, 7, 9, 2);
        var y = new RandomCrop(4, 5, seed: 11).Apply(x, training: true);
        Assert.Equal(new Shape(3, 4, 5, 2), y.Shape);
        // The window's corner, read off the linear grid, is the same for every image.
        float corner = y[0, 0, 0, 0];
        int top = (int)corner / 10, left = (int)corner % 10;
        Assert.InRange(top, 0, 3);
        Assert.InRange(left, 0, 4);
        for (int b = 0; b < 3; b++)
        {
            Assert.Equal(x[b, top + 3, left + 4, 1], y[b, 3, 4, 1]);
        }
        // Not larger on both sides: the centred window of the target's aspect ratio, resized when the cut falls short.
        var small = Images(4, 2, 3, 4, 2);
        Assert.Equal(new Resizing(4, 4).Apply(small).ToArray(), new RandomCrop(4, 4, seed: 1).Apply(small, training: true).ToArray());
        var equal = Images(5, 2, 4, 6, 2);
        Assert.Equal(new CenterCrop(4, 4).Apply(equal).ToArray(), new RandomCrop(4, 4, seed: 1).Apply(equal, training: true).ToArray());
        var cf = new RandomCrop(4, 5, seed: 11, dataFormat: "channels_first").Apply(SharpKeras.Ops.Transpose(x, 0, 3, 1, 2), training: true);
        Assert.Equal(y.ToArray(), SharpKeras.Ops.Transpose(cf, 0, 2, 3, 1).ToArray());
        // Keras 3.11 leaves images as they are at inference (keras-team/keras#21868).
        Assert.Equal(x.Shape, new RandomCrop(4, 5).Apply(x).Shape);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ConfigRoundTrips(string kind)
    {
        var layer = Make(kind, name: "aug");
        var json = KerasSerializer.Serialize(layer).ToJsonString();
        var again = KerasSerializer.Layer(JsonNode.Parse(json));
        Assert.Equal(layer.GetType(), again.GetType());
        Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
    }

    [Fact]
    public void ConfigsUseKerasKeysAndValues()
    {
        var rotation = new RandomRotation(0.02).GetConfig();
        Assert.Equal("[-0.02,0.02]", rotation["factor"]!.ToJsonString());
        Assert.Equal("reflect", (string?)rotation["fill_mode"]);
        Assert.Equal("bilinear", (string?)rotation["interpolation"]);
        Assert.Equal("channels_last", (string?)rotation["data_format"]);
        Assert.Equal(0.0, (double?)rotation["fill_value"]);
        var zoom = new RandomZoom(0.2).GetConfig();
        Assert.Equal(0.2, (double?)zoom["height_factor"]);
        Assert.True(zoom.ContainsKey("width_factor") && zoom["width_factor"] is null);
        var translation = new RandomTranslation([-0.1, 0.3], [0.2]).GetConfig();
        Assert.Equal("[-0.1,0.3]", translation["height_factor"]!.ToJsonString());
        Assert.Equal(0.2, (double?)translation["width_factor"]);
        // Keras draws a seed when none is given and writes it.
        var crop = new RandomCrop(3, 4).GetConfig();
        Assert.NotNull((int?)crop["seed"]);
        Assert.Equal(3, (int?)crop["height"]);
    }

    [Fact]
    public void SavedModelsLoadWithTheirAugmentation()
    {
        var model = new Sequential(
        [
            new InputLayer([8, 8, 3]),
            new RandomRotation(0.1, seed: 3),
            new RandomZoom(0.2, 0.1, seed: 4),
            new RandomTranslation(0.1, 0.2, fillMode: "nearest", seed: 5),
            new RandomCrop(6, 6, seed: 6),
            new GlobalAveragePooling2D(),
            new Dense(2),
        ]);
        var x = Images(6, 4, 8, 8, 3);
        var before = model.Predict(x, verbose: 0).ToArray();
        foreach (var ext in new[] { "keras", "h5" })
        {
            var path = Path.Combine(_dir, "augment." + ext);
            model.Save(path);
            var back = Model.Load(path);
            Assert.Equal(before, back.Predict(x, verbose: 0).ToArray());
            for (int i = 0; i < model.Layers.Count; i++)
            {
                Assert.Equal(model.Layers[i].GetConfig().ToJsonString(), back.Layers[i].GetConfig().ToJsonString());
            }
        }
    }

    [Fact]
    public void BadArgumentsAndInputsNameTheLayerAndArgument()
    {
        var rotation = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(1.5, name: "rot"));
        Assert.Contains("rot", rotation.Message);
        Assert.Contains("factor", rotation.Message);
        Assert.Contains("1.5", rotation.Message);
        var zoom = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom([0.1, -1.2], name: "zz"));
        Assert.Contains("zz", zoom.Message);
        Assert.Contains("heightFactor", zoom.Message);
        var width = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(0.1, 2.0, name: "tt"));
        Assert.Contains("widthFactor", width.Message);
        Assert.Contains("[-1.0, 1.0]", width.Message);
        var fill = Assert.Throws<ArgumentException>(() => new RandomZoom(0.1, fillMode: "mirror", name: "zf"));
        Assert.Contains("zf", fill.Message);
        Assert.Contains("fill_mode", fill.Message);
        Assert.Contains("interpolation", Assert.Throws<ArgumentException>(() => new RandomRotation(0.1, interpolation: "bicubic")).Message);
        Assert.Contains("width=0", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomCrop(3, 0, name: "rc")).Message);
        foreach (var kind in new[] { "rotation", "zoom", "translation", "crop" })
        {
            var e = Assert.Throws<ArgumentException>(() => Make(kind, name: "aug").Apply(Tensor.Zeros(new Shape(2, 3)), training: true));
            Assert.Contains("aug", e.Message);
            Assert.Contains("got rank 2", e.Message);
        }
    }
}
