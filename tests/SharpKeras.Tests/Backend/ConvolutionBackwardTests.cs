using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>Which convolutions take the direct kernel gradient, and that it overwrites dK block by block.</summary>
public class ConvolutionBackwardTests
{
    [Fact]
    public void OnlyFewChannelWindowedConvolutionsTakeTheDirectKernelGradient()
    {
        Assert.True(ConvolutionBackward.TakesKernelGradient(Window2D.Create(2, 32, 32, 3, 3, 3, 1, 1, 1, 1, "same")));
        Assert.True(ConvolutionBackward.TakesKernelGradient(Window2D.Create(2, 8, 8, 4, 3, 3, 2, 2, 1, 1, "valid")));
        Assert.False(ConvolutionBackward.TakesKernelGradient(Window2D.Create(2, 32, 32, 5, 3, 3, 1, 1, 1, 1, "same")));
        Assert.False(ConvolutionBackward.TakesKernelGradient(Window2D.Create(2, 8, 8, 3, 1, 1, 1, 1, 1, 1, "valid")));
    }

    [Fact]
    public unsafe void MatchesAPlainSumOverPositionsAcrossBlocks()
    {
        // 2 x 40 x 40 = 3200 positions: four blocks summed in order.
        var g = Window2D.Create(2, 40, 40, 3, 3, 3, 1, 1, 1, 1, "same");
        const int filters = 5;
        var rng = new SeedGenerator(11);
        var x = new float[2 * g.ImageSize];
        var dy = new float[2 * g.OutPixels * filters];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextFloat() - 0.5f;
        }
        for (int i = 0; i < dy.Length; i++)
        {
            dy[i] = rng.NextFloat() - 0.5f;
        }
        var expected = new double[g.PatchSize * filters];
        for (int n = 0; n < 2; n++)
        {
            for (int oy = 0; oy < 40; oy++)
            {
                for (int ox = 0; ox < 40; ox++)
                {
                    for (int ky = 0; ky < 3; ky++)
                    {
                        for (int kx = 0; kx < 3; kx++)
                        {
                            int sy = oy + ky - 1, sx = ox + kx - 1;
                            if ((uint)sy >= 40 || (uint)sx >= 40)
                            {
                                continue;
                            }
                            for (int c = 0; c < 3; c++)
                            {
                                for (int f = 0; f < filters; f++)
                                {
                                    expected[((ky * 3 + kx) * 3 + c) * filters + f] +=
                                        (double)x[((n * 40 + sy) * 40 + sx) * 3 + c] * dy[((n * 40 + oy) * 40 + ox) * filters + f];
                                }
                            }
                        }
                    }
                }
            }
        }
        var dk = Enumerable.Repeat(123f, expected.Length).ToArray();
        fixed (float* px = x)
        fixed (float* pdy = dy)
        fixed (float* pdk = dk)
        {
            ConvolutionBackward.KernelGradient(Gemm.Level, px, pdy, pdk, g, filters);
        }
        for (int i = 0; i < dk.Length; i++)
        {
            Assert.True(Math.Abs(dk[i] - expected[i]) <= 1e-3, $"dK[{i}] = {dk[i]}, expected {expected[i]}");
        }
    }
}
