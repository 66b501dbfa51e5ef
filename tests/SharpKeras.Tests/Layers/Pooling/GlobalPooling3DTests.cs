using SharpKeras.Layers;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Pooling;

/// <summary>GlobalMaxPooling3D and GlobalAveragePooling3D: the max and mean of each channel over all voxels, keepdims, gradients, bad ranks.</summary>
public class GlobalPooling3DTests
{
    [Fact]
    public void PoolEachChannelOverAllVoxels()
    {
        var x = Random(1, -1, 1, 2, 3, 4, 2, 5);
        var max = new GlobalMaxPooling3D().Apply(x);
        var avg = new GlobalAveragePooling3D().Apply(x);
        Assert.Equal(new Shape(2, 5), max.Shape);
        for (int b = 0; b < 2; b++)
        {
            for (int c = 0; c < 5; c++)
            {
                var values = Enumerable.Range(0, 24).Select(p => x[b, p / 8, p / 2 % 4, p % 2, c]).ToArray();
                Assert.Equal(values.Max(), max[b, c]);
                Assert.True(Math.Abs(values.Average(v => (double)v) - avg[b, c]) < 1e-6);
            }
        }
        var kept = new GlobalAveragePooling3D(keepDims: true).Apply(x);
        Assert.Equal(new Shape(2, 1, 1, 1, 5), kept.Shape);
        Assert.Equal(avg.ToArray(), kept.ToArray());
        Assert.Equal(new Shape(-1, 1, 1, 1, 5), new GlobalMaxPooling3D(keepDims: true).ComputeOutputShape(new Shape(-1, 3, 4, 2, 5)));
        Check(t => new GlobalAveragePooling3D().Apply(t[0]), [Random(2, -1, 1, 1, 2, 2, 3, 2)]);
        Check(t => new GlobalMaxPooling3D().Apply(t[0]), [Random(3, -1, 1, 1, 2, 2, 3, 2)]);
        var e = Assert.Throws<ArgumentException>(() => new GlobalMaxPooling3D(name: "g3").Apply(Tensor.Zeros(new Shape(2, 3, 4, 5))));
        Assert.Contains("g3", e.Message);
        Assert.Contains("expected ndim=5", e.Message);
    }
}
