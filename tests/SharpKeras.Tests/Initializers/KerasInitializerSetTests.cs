using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Initializers;

/// <summary>Constant, Identity, TruncatedNormal, LecunNormal and LecunUniform: values, statistics, seeds, identifiers and configs as Keras has them.</summary>
public class KerasInitializerSetTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToArray();
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        return (mean, std, v.Min(), v.Max());
    }

    [Fact]
    public void ConstantAndIdentityValues()
    {
        Assert.All(new Constant(0.75).Call(new Shape(2, 3, 4)).ToArray(), v => Assert.Equal(0.75f, v));
        Assert.All(new Constant().Call(new Shape(5)).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal([2f, 0f, 0f, 0f, 2f, 0f], new Identity(2.0).Call(new Shape(2, 3)).ToArray());
        Assert.Equal([1f, 0f, 0f, 1f, 0f, 0f], new Identity().Call(new Shape(3, 2)).ToArray());
        var e = Assert.Throws<ArgumentException>(() => new Identity().Call(new Shape(2, 2, 2)));
        Assert.Contains("2D", e.Message);
        Assert.Contains("rank 3", e.Message);
    }

    [Fact]
    public void TruncatedNormalStaysWithinTwoStddevs()
    {
        var (mean, std, min, max) = Stats(new TruncatedNormal(0.5, 0.1, seed: 1).Call(new Shape(300, 300)));
        Assert.True(min >= 0.5 - 0.2 - 1e-6 && max <= 0.5 + 0.2 + 1e-6, $"range [{min}, {max}]");
        Assert.InRange(mean, 0.499, 0.501);
        // A unit normal truncated to [-2, 2] has stddev 0.8796.
        Assert.InRange(std, 0.1 * 0.8796 * 0.98, 0.1 * 0.8796 * 1.02);
        var (_, dstd, _, dmax) = Stats(new TruncatedNormal(seed: 2).Call(new Shape(200, 200)));
        Assert.InRange(dstd, 0.05 * 0.8796 * 0.97, 0.05 * 0.8796 * 1.03);
        Assert.True(dmax <= 0.1 + 1e-6);
    }

    [Fact]
    public void LecunInitializersScaleByFanIn()
    {
        var (_, std, min, max) = Stats(new LecunNormal(seed: 3).Call(new Shape(400, 300)));
        double sd = Math.Sqrt(1.0 / 400);
        Assert.InRange(std, sd * 0.97, sd * 1.03);
        Assert.True(min >= -2 * sd / 0.87962566103423978 && max <= 2 * sd / 0.87962566103423978);
        var (umean, ustd, umin, umax) = Stats(new LecunUniform(seed: 4).Call(new Shape(300, 200)));
        double limit = Math.Sqrt(3.0 / 300);
        Assert.True(umin >= -limit && umax <= limit && umax > 0.99 * limit);
        Assert.InRange(ustd, limit / Math.Sqrt(3) * 0.97, limit / Math.Sqrt(3) * 1.03);
        Assert.InRange(umean, -0.002, 0.002);
    }

    [Fact]
    public void SeedsGiveTheSameValuesAndNoSeedFreshOnes()
    {
        foreach (var make in new Func<int?, Initializer>[] { s => new TruncatedNormal(seed: s), s => new LecunNormal(s), s => new LecunUniform(s) })
        {
            var seeded = make(42);
            Assert.Equal(seeded.Call(new Shape(5, 4)).ToArray(), seeded.Call(new Shape(5, 4)).ToArray());
            Assert.Equal(seeded.Call(new Shape(5, 4)).ToArray(), make(42).Call(new Shape(5, 4)).ToArray());
            Assert.NotEqual(seeded.Call(new Shape(5, 4)).ToArray(), make(43).Call(new Shape(5, 4)).ToArray());
            var unseeded = make(null);
            Assert.NotEqual(unseeded.Call(new Shape(5, 4)).ToArray(), unseeded.Call(new Shape(5, 4)).ToArray());
        }
    }

    [Theory]
    [InlineData("identity", typeof(Identity))]
    [InlineData("Identity", typeof(Identity))]
    [InlineData("IdentityInitializer", typeof(Identity))]
    [InlineData("constant", typeof(Constant))]
    [InlineData("truncated_normal", typeof(TruncatedNormal))]
    [InlineData("TruncatedNormal", typeof(TruncatedNormal))]
    [InlineData("lecun_normal", typeof(LecunNormal))]
    [InlineData("lecun_uniform", typeof(LecunUniform))]
    [InlineData("variance_scaling", typeof(VarianceScaling))]
    [InlineData("normal", typeof(RandomNormal))]
    [InlineData("uniform", typeof(RandomUniform))]
    [InlineData("one", typeof(Ones))]
    [InlineData("zero", typeof(Zeros))]
    [InlineData("GlorotUniform", typeof(GlorotUniform))]
    public void KerasIdentifiersResolve(string id, Type type) => Assert.IsType(type, Initializer.Get(id));

    [Fact]
    public void ConfigsUseKerasKeys()
    {
        Assert.Equal("""{"value":0.3}""", new Constant(0.3).GetConfig().ToJsonString());
        Assert.Equal("""{"gain":2}""", new Identity(2).GetConfig().ToJsonString());
        var tn = new TruncatedNormal(0.1, 0.2, 7).GetConfig();
        Assert.Equal(7, tn["seed"]!.GetValue<int>());
        Assert.Equal(0.1, tn["mean"]!.GetValue<double>());
        Assert.Equal(0.2, tn["stddev"]!.GetValue<double>());
        Assert.Equal("""{"seed":null}""", new LecunNormal().GetConfig().ToJsonString());
        var node = JsonNode.Parse("""{"module": "keras.initializers", "class_name": "TruncatedNormal", "config": {"mean": 0.0, "stddev": 0.3, "seed": 5}, "registered_name": null}""");
        var back = Assert.IsType<TruncatedNormal>(KerasSerializer.Initializer(node, "zeros"));
        Assert.Equal(0.3, back.Stddev);
        Assert.Equal(5, back.Seed);
        foreach (var init in new Initializer[] { new Constant(-1.5), new Identity(0.5), new TruncatedNormal(0, 1, 3), new LecunNormal(4), new LecunUniform(5) })
        {
            var again = KerasSerializer.Initializer(KerasSerializer.Serialize(init), "zeros");
            Assert.Equal(KerasSerializer.Serialize(init).ToJsonString(), KerasSerializer.Serialize(again).ToJsonString());
        }
        Assert.Contains("lecun_uniform", Assert.Throws<ArgumentException>(() => Initializer.Get("lecun")).Message);
    }
}
