using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Pooling;

/// <summary>Global pooling layers against direct loops, as Keras computes them.</summary>
public class PoolingLayerTests
{
    [Fact]
    public void GlobalPooling2DTakesTheMeanAndMaxOfEachChannel()
    {
        var x = Random(1, -1, 1, 2, 3, 4, 5);
        var avg = new GlobalAveragePooling2D().Apply(x).ToArray();
        var max = new GlobalMaxPooling2D().Apply(x).ToArray();
        var xs = x.ToArray();
        for (int b = 0; b < 2; b++)
        {
            for (int c = 0; c < 5; c++)
            {
                var values = Enumerable.Range(0, 12).Select(p => xs[(b * 12 + p) * 5 + c]).ToArray();
                Assert.Equal(values.Average(), avg[b * 5 + c], 1e-5);
                Assert.Equal(values.Max(), max[b * 5 + c]);
            }
        }
        Assert.Equal(new Shape(-1, 1, 1, 5), new GlobalMaxPooling2D(keepDims: true).ComputeOutputShape(new Shape(-1, 3, 4, 5)));
    }
}
