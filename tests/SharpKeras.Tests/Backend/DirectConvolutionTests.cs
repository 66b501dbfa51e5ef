using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>The direct convolution forward (windows broadcast from the image, kernel panels, bias and activation in registers) against the reference backend, at every SIMD level and thread count.</summary>
[Collection(ThreadCountCollection.Name)]
public class DirectConvolutionTests
{
    private static readonly IBackend Ref = ReferenceBackend.Instance;

    private static IEnumerable<SimdLevel> Levels() => Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best);

    /// <summary>batch, height, width, channels, filters, kernel, stride, dilation, padding, activation (an <see cref="EpilogueActivation"/>, internal, so passed as its number).</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, string, int> Cases() => new()
    {
        // mnist_cnn's first convolution (one channel, K = 9) and cifar10_cnn's ("same", three channels, K = 27).
        { 2, 28, 28, 1, 32, 3, 1, 1, "valid", (int)EpilogueActivation.Relu },
        { 2, 12, 11, 3, 32, 3, 1, 1, "same", (int)EpilogueActivation.Relu },
        // Filters not a multiple of any panel width; positions not a multiple of the tile.
        { 3, 7, 9, 5, 10, 3, 1, 1, "valid", (int)EpilogueActivation.None },
        { 1, 9, 8, 4, 70, 3, 1, 1, "same", (int)EpilogueActivation.Sigmoid },
        { 2, 10, 9, 6, 33, 3, 2, 1, "same", (int)EpilogueActivation.Tanh },
        { 2, 11, 10, 3, 12, 3, 1, 2, "same", (int)EpilogueActivation.Elu },
        { 2, 9, 9, 2, 16, 2, 2, 1, "valid", (int)EpilogueActivation.Relu6 },
        // Patches split into blocks of taps at every level (64 and 130 channels), accumulated in y.
        { 1, 8, 7, 64, 64, 3, 1, 1, "valid", (int)EpilogueActivation.Relu },
        { 1, 6, 5, 130, 20, 3, 1, 1, "same", (int)EpilogueActivation.Relu },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReferenceAtEveryLevelAndIsBitIdenticalAcrossThreads(int batch, int h, int w, int c, int filters, int kernel, int stride, int dilation, string padding, int activationNumber)
    {
        var activation = (EpilogueActivation)activationNumber;
        var g = Window2D.Create(batch, h, w, c, kernel, kernel, stride, stride, dilation, dilation, padding);
        int outputs = batch * g.OutPixels * filters;
        var x = TestArrays.Uniform(batch * g.ImageSize, 11);
        var k = TestArrays.Uniform(g.PatchSize * filters, 12);
        var bias = TestArrays.Uniform(filters, 13);
        var expected = new float[outputs];
        Ref.ConvForward(x, k, bias, activation, expected, g, filters);
        string what = $"{batch}x{h}x{w}x{c} -> {filters}, {kernel}x{kernel}/{stride}/{dilation}/{padding}/{activation}";
        foreach (var level in Levels())
        {
            float[]? first = null;
            foreach (int threads in new[] { 1, 2 })
            {
                int saved = Config.Threads;
                Config.Threads = threads;
                using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
                try
                {
                    // Garbage in y: the kernel must overwrite it, also where it adds a later block of taps.
                    var y = TestArrays.Uniform(outputs, 14);
                    ImplicitConvolution.Forward(level, x, k, bias, activation, y, g, filters);
                    double tol = 1e-5 + 4e-5 * Math.Sqrt(g.PatchSize);
                    for (int i = 0; i < outputs; i++)
                    {
                        Assert.True(Math.Abs(expected[i] - y[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}, {level}, {threads} threads: [{i}] cpu {y[i]}, reference {expected[i]}");
                    }
                    if (first is null)
                    {
                        first = y;
                    }
                    else
                    {
                        Assert.Equal(first, y);
                    }
                }
                finally
                {
                    Config.Threads = saved;
                }
            }
        }
    }

    [Fact]
    public void WithoutBiasTheOutputsAreThePlainSums()
    {
        var g = Window2D.Create(2, 7, 6, 3, 3, 3, 1, 1, 1, 1, "same");
        const int filters = 9;
        var x = TestArrays.Uniform(2 * g.ImageSize, 15);
        var k = TestArrays.Uniform(g.PatchSize * filters, 16);
        var expected = new float[2 * g.OutPixels * filters];
        Ref.ConvForward(x, k, default, EpilogueActivation.None, expected, g, filters);
        foreach (var level in Levels())
        {
            var y = TestArrays.Uniform(expected.Length, 17);
            ImplicitConvolution.Forward(level, x, k, default, EpilogueActivation.None, y, g, filters);
            for (int i = 0; i < y.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-4f, $"{level}: [{i}] cpu {y[i]}, reference {expected[i]}");
            }
            // Some outputs are negative: no activation was applied.
            Assert.Contains(y, v => v < 0f);
        }
    }
}
