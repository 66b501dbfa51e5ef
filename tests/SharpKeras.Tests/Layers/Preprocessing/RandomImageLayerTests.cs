using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Preprocessing;

/// <summary>RandomFlip, RandomBrightness and RandomContrast: identity at inference, seeded and within Keras's ranges in training, configs and bad inputs.</summary>
public class RandomImageLayerTests
{
    private static Tensor Images(int seed) => GradCheck.Random(seed, 10, 200, 4, 3, 5, 2);

    public static TheoryData<string> Samples() => ["flip", "brightness", "contrast"];

    private static Layer Make(string kind, int? seed = 7, string? name = null) => kind switch
    {
        "flip" => new RandomFlip("horizontal", seed: seed, name: name),
        "brightness" => new RandomBrightness(0.2, seed: seed, name: name),
        _ => new RandomContrast([0.1, 0.5], [0, 1], seed: seed, name: name),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void IdentityAtInferenceAndSeededInTraining(string kind)
    {
        var x = Images(1);
        Assert.Equal(x.ToArray(), Make(kind).Apply(x).ToArray());
        var a = Make(kind).Apply(x, training: true).ToArray();
        var b = Make(kind).Apply(x, training: true).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(x.ToArray(), a);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void ConfigRoundTripsAndBadInputNamesTheLayer(string kind)
    {
        var layer = Make(kind);
        var json = KerasSerializer.Serialize(layer).ToJsonString();
        Assert.Equal(json, KerasSerializer.Serialize(KerasSerializer.Layer(System.Text.Json.Nodes.JsonNode.Parse(json))).ToJsonString());
        var e = Assert.Throws<ArgumentException>(() => Make(kind, name: "aug").Apply(Tensor.Zeros(new Shape(2, 3)), training: true));
        Assert.Contains("aug", e.Message);
        Assert.Contains("rank 4", e.Message);
        Assert.Contains("got rank 2", e.Message);
    }

    [Fact]
    public void FlipFlipsWholeImagesOrNone()
    {
        var x = Images(2);
        var y = new RandomFlip(seed: 3).Apply(x, training: true);
        for (int b = 0; b < 4; b++)
        {
            bool same = true, both = true;
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    for (int c = 0; c < 2; c++)
                    {
                        same &= y[b, i, j, c] == x[b, i, j, c];
                        both &= y[b, i, j, c] == x[b, 2 - i, 4 - j, c];
                    }
                }
            }
            Assert.True(same || both, $"image {b} is neither unchanged nor flipped both ways");
        }
        var e = Assert.Throws<ArgumentException>(() => new RandomFlip("diagonal", name: "rf"));
        Assert.Contains("rf", e.Message);
        Assert.Contains("diagonal", e.Message);
    }

    [Fact]
    public void BrightnessAddsOneClippedDeltaPerImage()
    {
        var x = GradCheck.Random(3, 50, 60, 3, 2, 2, 1);
        var y = new RandomBrightness(0.1, seed: 5).Apply(x, training: true);
        for (int b = 0; b < 3; b++)
        {
            float d = y[b, 0, 0, 0] - x[b, 0, 0, 0];
            Assert.InRange(d, -25.5f - 1e-3f, 25.5f + 1e-3f);
            Assert.Equal(d, y[b, 1, 1, 0] - x[b, 1, 1, 0], 3);
        }
        var clipped = new RandomBrightness([1.0, 1.0], seed: 1).Apply(x, training: true);
        Assert.All(clipped.ToArray(), v => Assert.Equal(255f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomBrightness(1.5));
    }

    [Fact]
    public void ContrastKeepsEachChannelsMean()
    {
        var x = GradCheck.Random(4, 0.3f, 0.6f, 2, 4, 4, 3);
        var y = new RandomContrast([0.2, 0.2], [0, 1], seed: 2).Apply(x, training: true);
        var mx = Ops.Mean(Ops.Mean(x, 1, keepDims: true), 2, keepDims: true).ToArray();
        var my = Ops.Mean(Ops.Mean(y, 1, keepDims: true), 2, keepDims: true).ToArray();
        for (int i = 0; i < mx.Length; i++)
        {
            Assert.Equal(mx[i], my[i], 4);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomContrast(-0.5));
    }
}
