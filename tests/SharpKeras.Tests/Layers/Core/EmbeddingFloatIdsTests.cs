using SharpKeras.Layers;

namespace SharpKeras.Tests.Layers.Core;

/// <summary>Embedding takes float32 ids as Keras does (<c>ops.cast(inputs, "int32")</c>, truncating), in eager calls and in a Sequential model.</summary>
public sealed class EmbeddingFloatIdsTests
{
    [Fact]
    public void FloatIdsAreTruncatedToIntegers()
    {
        var emb = new Embedding(6, 3, maskZero: true);
        var ints = Tensor.FromArray([1, 2, 0, 5, 3, 0], 2, 3);
        var floats = Tensor.FromArray([1.7f, 2f, 0.4f, 5.99f, 3.2f, 0f], 2, 3);
        var expected = emb.Apply(ints);
        var actual = emb.Apply(floats);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToArray(), actual.ToArray());
        var model = new SharpKeras.Models.Sequential([new SharpKeras.Layers.InputLayer([3]), emb]);
        Assert.Equal(expected.ToArray(), model.Predict(floats).ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => emb.Apply(Tensor.FromArray([6.5f], 1, 1)));
        Assert.Contains("token id 6", e.Message);
    }
}
