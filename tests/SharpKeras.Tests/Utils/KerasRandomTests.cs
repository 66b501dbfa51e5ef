namespace SharpKeras.Tests.Utils;

/// <summary>keras.random.normal and uniform: shapes, seeding and the distribution's moments.</summary>
public class KerasRandomTests
{
    [Fact]
    public void NormalHasTheShapeAndMoments()
    {
        var t = Keras.Random.Normal([200, 100], mean: 2, stddev: 0.5, seed: 3);
        Assert.Equal(new Shape(200, 100), t.Shape);
        var v = t.ToArray();
        double mean = v.Average();
        double sd = Math.Sqrt(v.Select(a => (a - mean) * (a - mean)).Average());
        Assert.InRange(mean, 1.98, 2.02);
        Assert.InRange(sd, 0.49, 0.51);
    }

    [Fact]
    public void SameSeedSameValuesOtherSeedOtherValues()
    {
        Assert.Equal(Keras.Random.Normal([3, 4], seed: 7).ToArray(), Keras.Random.Normal([3, 4], seed: 7).ToArray());
        Assert.NotEqual(Keras.Random.Normal([3, 4], seed: 7).ToArray(), Keras.Random.Normal([3, 4], seed: 8).ToArray());
        Assert.Equal(Keras.Random.Uniform([5], seed: 1).ToArray(), Keras.Random.Uniform([5], seed: 1).ToArray());
    }

    [Fact]
    public void UniformStaysInItsBounds()
    {
        var v = Keras.Random.Uniform([10000], minval: -3, maxval: 5, seed: 2).ToArray();
        Assert.All(v, a => Assert.InRange(a, -3f, 5f));
        Assert.InRange(v.Average(), 0.9, 1.1);
        Assert.True(v.Min() < -2.9 && v.Max() > 4.9);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Throws<ArgumentException>(() => Keras.Random.Normal([2, -1]));
        Assert.Throws<ArgumentException>(() => Keras.Random.Normal([2], stddev: -1));
        var e = Assert.Throws<ArgumentException>(() => Keras.Random.Uniform([2], minval: 1, maxval: 1));
        Assert.Contains("minval < maxval", e.Message);
    }
}
