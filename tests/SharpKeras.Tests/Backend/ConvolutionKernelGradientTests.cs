using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>Which convolutions take the eight-channel kernel gradient and the mirrored direct input gradient, and how they treat the padding.</summary>
[Collection(ThreadCountCollection.Name)]
public class ConvolutionKernelGradientTests
{
    private static IEnumerable<SimdLevel> Levels() => Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best);

    [Fact]
    public void ManyChannelWindowedConvolutionsTakeTheTiledKernelGradient()
    {
        Assert.True(ConvolutionKernelGradient.Takes(Window2D.Create(2, 32, 32, 32, 3, 3, 1, 1, 1, 1, "valid")));
        Assert.True(ConvolutionKernelGradient.Takes(Window2D.Create(2, 9, 9, 5, 3, 3, 2, 2, 1, 1, "same")));
        Assert.False(ConvolutionKernelGradient.Takes(Window2D.Create(2, 32, 32, 4, 3, 3, 1, 1, 1, 1, "same")));
        Assert.False(ConvolutionKernelGradient.Takes(Window2D.Create(2, 8, 8, 32, 1, 1, 1, 1, 1, 1, "valid")));
    }

    [Fact]
    public void OnlyStrideOneWindowedConvolutionsTakeTheDirectInputGradient()
    {
        Assert.True(DirectInputGradient.Takes(Window2D.Create(2, 15, 15, 32, 3, 3, 1, 1, 1, 1, "same")));
        Assert.True(DirectInputGradient.Takes(Window2D.Create(2, 1, 30, 6, 1, 4, 1, 1, 3, 3, "causal")));
        Assert.False(DirectInputGradient.Takes(Window2D.Create(2, 15, 15, 32, 3, 3, 2, 2, 1, 1, "same")));
        Assert.False(DirectInputGradient.Takes(Window2D.Create(2, 8, 8, 32, 1, 1, 1, 1, 1, 1, "valid")));
        // The mirrored convolution runs over dY and gives back the input's size.
        var g = Window2D.Create(3, 15, 13, 32, 3, 3, 1, 1, 2, 2, "valid");
        var m = DirectInputGradient.Mirror(g, 64);
        Assert.Equal((g.OutH, g.OutW, 64, g.Height, g.Width), (m.Height, m.Width, m.Channels, m.OutH, m.OutW));
    }

    [Fact]
    public void ANonFiniteGradientAtAPaddedWindowPropagatesThroughTheZeros()
    {
        // An infinite dY at output (0, 0) of a "same" convolution: tap (0, 0) of that window is padding,
        // and 0 * inf is NaN there, as in the GEMM over a zero-padded im2col matrix; the centre tap reads
        // a positive pixel, so its gradient is +inf.
        var g = Window2D.Create(1, 4, 4, 8, 3, 3, 1, 1, 1, 1, "same");
        const int filters = 32;
        var x = new float[g.ImageSize];
        Array.Fill(x, 0.5f);
        var dy = new float[g.OutPixels * filters];
        dy[0] = float.PositiveInfinity;
        foreach (var level in Levels())
        {
            var dk = new float[g.PatchSize * filters];
            ImplicitConvolution.BackwardKernel(level, x, dy, dk, g, filters);
            int centre = 4 * g.Channels * filters;
            Assert.True(float.IsNaN(dk[0]), $"{level}: tap (0, 0) gave {dk[0]}");
            Assert.Equal(float.PositiveInfinity, dk[centre]);
            Assert.Equal(0f, dk[1]);
        }
    }
}
