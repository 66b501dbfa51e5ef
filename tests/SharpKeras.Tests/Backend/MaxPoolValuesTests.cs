using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>Max pooling without the argmax (inference): the same values as with it, on both backends and at 1 and 2 threads; the op skips it only off the tape.</summary>
[Collection(ThreadCountCollection.Name)]
public class MaxPoolValuesTests
{
    [Theory]
    [InlineData(2, 2, "valid", 64)]
    [InlineData(3, 2, "same", 19)]
    [InlineData(2, 2, "valid", 3)]
    [InlineData(3, 1, "same", 33)]
    public void ValuesOnlyMatchTheArgmaxForwardBitForBit(int pool, int stride, string padding, int channels)
    {
        var g = Window2D.Create(3, 9, 8, channels, pool, pool, stride, stride, 1, 1, padding);
        int outputs = g.Batch * g.OutPixels * channels;
        var x = TestArrays.Uniform(g.Batch * g.ImageSize, 21);
        // Ties and NaNs: the first maximum wins, a NaN never replaces a number, a leading NaN stays.
        for (int i = 0; i < x.Length; i += 7)
        {
            x[i] = 0.5f;
        }
        x[3] = float.NaN;
        x[channels + 5] = float.NaN;
        var expected = new float[outputs];
        CpuBackend.Instance.MaxPoolForward(x, expected, new int[outputs], g);
        var reference = TestArrays.Uniform(outputs, 22);
        ReferenceBackend.Instance.MaxPoolForward(x, reference, [], g);
        Assert.Equal(expected, reference);
        foreach (int threads in new[] { 1, 2 })
        {
            int saved = Config.Threads;
            Config.Threads = threads;
            using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
            try
            {
                var y = TestArrays.Uniform(outputs, 23);
                CpuBackend.Instance.MaxPoolForward(x, y, [], g);
                Assert.Equal(expected, y);
            }
            finally
            {
                Config.Threads = saved;
            }
        }
    }

    [Fact]
    public void OnTheTapeTheGradientStillReachesTheMaxima()
    {
        var x = Tensor.FromArray(new[] { 1f, 4f, 3f, 2f }, 1, 2, 2, 1);
        var plain = Ops.MaxPool(x, 2);
        Assert.Equal([4f], plain.ToArray());
        using var tape = new GradientTape();
        tape.Watch(x);
        var y = Ops.MaxPool(x, 2);
        Assert.Equal(plain.ToArray(), y.ToArray());
        var dx = tape.Gradient(Ops.Sum(y), [x])[0]!;
        Assert.Equal([0f, 1f, 0f, 0f], dx.ToArray());
    }
}
