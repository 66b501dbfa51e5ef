using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>The adaptive pooling kernels of the CPU backend against the reference backend, forward and backward.</summary>
public class AdaptivePoolingParityTests
{
    [Theory]
    [InlineData(3, 9, 13, 19, 4, 5)]
    [InlineData(2, 1, 7, 8, 1, 3)]
    [InlineData(1, 3, 4, 5, 7, 9)]
    public void CpuMatchesReference(int n, int h, int w, int c, int oh, int ow)
    {
        var g = new AdaptivePool2D(n, h, w, c, oh, ow);
        var x = GradCheck.Random(1, -1, 1, n * h * w * c).ToArray();
        var dy = GradCheck.Random(2, -1, 1, n * oh * ow * c).ToArray();
        var yCpu = new float[dy.Length];
        var yRef = new float[dy.Length];
        var aCpu = new int[dy.Length];
        var aRef = new int[dy.Length];
        CpuBackend.Instance.AdaptiveMaxPoolForward(x, yCpu, aCpu, g);
        ReferenceBackend.Instance.AdaptiveMaxPoolForward(x, yRef, aRef, g);
        Assert.Equal(yRef, yCpu);
        Assert.Equal(aRef, aCpu);
        // The backward passes must overwrite whatever dx held.
        var dxCpu = Enumerable.Repeat(7f, x.Length).ToArray();
        var dxRef = new float[x.Length];
        CpuBackend.Instance.AdaptiveMaxPoolBackward(dy, aCpu, dxCpu, g);
        ReferenceBackend.Instance.AdaptiveMaxPoolBackward(dy, aRef, dxRef, g);
        Near(dxRef, dxCpu, "max backward");
        CpuBackend.Instance.AdaptiveAveragePoolForward(x, yCpu, g);
        ReferenceBackend.Instance.AdaptiveAveragePoolForward(x, yRef, g);
        Near(yRef, yCpu, "average forward");
        Array.Fill(dxCpu, 7f);
        CpuBackend.Instance.AdaptiveAveragePoolBackward(dy, dxCpu, g);
        ReferenceBackend.Instance.AdaptiveAveragePoolBackward(dy, dxRef, g);
        Near(dxRef, dxCpu, "average backward");
    }

    private static void Near(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-5 * Math.Abs(expected[i])), $"{what} [{i}]: cpu {actual[i]}, reference {expected[i]}");
        }
    }
}
