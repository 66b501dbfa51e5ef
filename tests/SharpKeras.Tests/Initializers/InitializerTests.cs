using SharpKeras.Initializers;

namespace SharpKeras.Tests.Initializers;

public class InitializerTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToArray();
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        return (mean, std, v.Min(), v.Max());
    }

    [Fact]
    public void GlorotUniformUsesFanAverageLimit()
    {
        var (mean, std, min, max) = Stats(new GlorotUniform(seed: 1).Call(new Shape(300, 200)));
        double limit = Math.Sqrt(6.0 / 500);
        Assert.True(min >= -limit && max <= limit);
        Assert.InRange(std, limit / Math.Sqrt(3) * 0.97, limit / Math.Sqrt(3) * 1.03);
        Assert.InRange(mean, -0.005, 0.005);
    }

    [Fact]
    public void HeUniformUsesFanIn()
    {
        var (_, _, min, max) = Stats(new HeUniform(seed: 1).Call(new Shape(100, 50)));
        double limit = Math.Sqrt(6.0 / 100);
        Assert.True(min >= -limit && max <= limit && max > 0.9 * limit);
    }

    [Fact]
    public void TruncatedNormalsKeepTheRequestedStddev()
    {
        var (_, std, min, max) = Stats(new HeNormal(seed: 2).Call(new Shape(400, 300)));
        double expected = Math.Sqrt(2.0 / 400);
        Assert.InRange(std, expected * 0.97, expected * 1.03);
        double bound = 2 * expected / 0.87962566103423978;
        Assert.True(min >= -bound && max <= bound);
        var (_, gstd, _, _) = Stats(new GlorotNormal(seed: 3).Call(new Shape(400, 300)));
        Assert.InRange(gstd, Math.Sqrt(2.0 / 700) * 0.97, Math.Sqrt(2.0 / 700) * 1.03);
    }

    [Fact]
    public void RandomNormalAndUniformDefaults()
    {
        var (mean, std, _, _) = Stats(new RandomNormal(seed: 4).Call(new Shape(200, 200)));
        Assert.InRange(std, 0.049, 0.051);
        Assert.InRange(mean, -0.001, 0.001);
        var (_, _, min, max) = Stats(new RandomUniform(seed: 5).Call(new Shape(200, 200)));
        Assert.True(min >= -0.05 && max <= 0.05 && max > 0.049);
    }

    [Fact]
    public void ConstantsAndSeeds()
    {
        Assert.All(Initializer.Get("zeros").Call(new Shape(3, 3)).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(Initializer.Get("ones").Call(new Shape(3, 3)).ToArray(), v => Assert.Equal(1f, v));
        Assert.Equal(new GlorotUniform(seed: 7).Call(new Shape(4, 4)).ToArray(), new GlorotUniform(seed: 7).Call(new Shape(4, 4)).ToArray());
        foreach (var name in Initializer.Names)
        {
            Assert.Equal(new Shape(2, 3), Initializer.Get(name).Call(new Shape(2, 3)).Shape);
        }
        var e = Assert.Throws<ArgumentException>(() => Initializer.Get("xavier"));
        Assert.Contains("he_normal", e.Message);
    }
}
