using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>The implicit-GEMM convolution (forward, kernel and input gradients) against the reference backend, at every SIMD level and thread count.</summary>
[Collection(ThreadCountCollection.Name)]
public class ImplicitConvolutionTests
{
    private static readonly IBackend Ref = ReferenceBackend.Instance;

    private static IEnumerable<SimdLevel> Levels() => Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best);

    /// <summary>batch, height, width, channels, filters, kernel h, kernel w, stride, dilation, padding.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int, string> Cases() => new()
    {
        { 3, 9, 8, 5, 7, 3, 3, 1, 1, "valid" },
        { 2, 9, 8, 5, 7, 3, 3, 1, 1, "same" },
        { 2, 9, 7, 3, 33, 3, 3, 2, 1, "same" },
        { 2, 10, 9, 4, 6, 3, 3, 1, 2, "same" },
        { 2, 8, 8, 6, 5, 2, 2, 2, 2, "valid" },
        { 3, 6, 7, 17, 40, 3, 3, 1, 1, "same" },
        { 2, 5, 6, 1, 3, 5, 2, 1, 1, "same" },
        { 2, 7, 7, 8, 9, 1, 1, 1, 1, "valid" },
        { 2, 7, 7, 8, 9, 1, 1, 2, 1, "valid" },
        { 4, 1, 30, 6, 10, 1, 3, 2, 1, "causal" },
        { 4, 1, 30, 6, 10, 1, 4, 1, 3, "causal" },
        // Patch (3*3*40 = 360) longer than a K panel and rows not a multiple of the tile.
        { 1, 11, 13, 40, 70, 3, 3, 1, 1, "same" },
        // Few input channels take the direct kernel gradient: several position blocks, whole vector tiles,
        // filters left over for the scalar tail, strides and dilations.
        { 3, 24, 24, 3, 32, 3, 3, 1, 1, "same" },
        { 2, 33, 32, 4, 37, 3, 3, 2, 1, "same" },
        { 5, 30, 30, 2, 21, 3, 3, 1, 2, "valid" },
        // Many channels take the eight-channel tiles of the kernel gradient (whole tiles at 32 and 64, channel and
        // filter tails) and the mirrored direct input gradient (valid, same, dilated, strided fall back to col2im).
        { 3, 9, 9, 32, 32, 3, 3, 1, 1, "valid" },
        { 2, 7, 8, 16, 64, 3, 3, 1, 1, "same" },
        { 2, 9, 10, 12, 48, 3, 3, 2, 1, "same" },
        { 2, 10, 9, 8, 40, 3, 2, 1, 2, "valid" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReferenceAtEveryLevelAndThreadCount(int batch, int h, int w, int c, int filters, int kh, int kw, int stride, int dilation, string padding)
    {
        var g = Window2D.Create(batch, h, w, c, kh, kw, stride, stride, dilation, dilation, padding);
        int outputs = batch * g.OutPixels * filters;
        var x = TestArrays.Uniform(batch * g.ImageSize, 1);
        var k = TestArrays.Uniform(g.PatchSize * filters, 2);
        var bias = TestArrays.Uniform(filters, 3);
        var dy = TestArrays.Uniform(outputs, 4);
        var yRef = new float[outputs];
        var dkRef = new float[k.Length];
        var dxRef = new float[x.Length];
        Ref.ConvForward(x, k, bias, EpilogueActivation.Relu, yRef, g, filters);
        Ref.ConvBackwardKernel(x, dy, dkRef, g, filters);
        Ref.ConvBackwardInput(dy, k, dxRef, g, filters);
        string what = $"{batch}x{h}x{w}x{c} -> {filters}, {kh}x{kw}/{stride}/{dilation}/{padding}";
        foreach (var level in Levels())
        {
            float[]? y1 = null, dk1 = null, dx1 = null;
            foreach (int threads in new[] { 1, 2 })
            {
                int saved = Config.Threads;
                Config.Threads = threads;
                // Small shapes too are split over the 2 threads, as they would not be under the production threshold.
                using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
                try
                {
                    // Garbage in the outputs: every kernel must overwrite, not add.
                    var y = TestArrays.Uniform(outputs, 5);
                    var dk = TestArrays.Uniform(k.Length, 6);
                    var dx = TestArrays.Uniform(x.Length, 7);
                    ImplicitConvolution.Forward(level, x, k, bias, EpilogueActivation.Relu, y, g, filters);
                    ImplicitConvolution.BackwardKernel(level, x, dy, dk, g, filters);
                    ImplicitConvolution.BackwardInput(level, dy, k, dx, g, filters);
                    Close(yRef, y, g.PatchSize, $"{what} forward, {level}, {threads} threads");
                    Close(dkRef, dk, batch * g.OutPixels, $"{what} dK, {level}, {threads} threads");
                    Close(dxRef, dx, g.PatchSize * filters, $"{what} dX, {level}, {threads} threads");
                    if (y1 is null)
                    {
                        (y1, dk1, dx1) = (y, dk, dx);
                    }
                    else
                    {
                        Assert.Equal(y1, y);
                        Assert.Equal(dk1, dk);
                        Assert.Equal(dx1, dx);
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
    public void BackendEntryPointsMatchTheLevelOfThisProcess()
    {
        var g = Window2D.Create(2, 6, 6, 4, 3, 3, 1, 1, 1, 1, "same");
        const int filters = 5;
        var x = TestArrays.Uniform(2 * g.ImageSize, 8);
        var k = TestArrays.Uniform(g.PatchSize * filters, 9);
        var (a, b) = (new float[2 * g.OutPixels * filters], new float[2 * g.OutPixels * filters]);
        CpuBackend.Instance.ConvForward(x, k, default, EpilogueActivation.None, a, g, filters);
        ImplicitConvolution.Forward(Gemm.Level, x, k, default, EpilogueActivation.None, b, g, filters);
        Assert.Equal(b, a);
        Assert.Contains(a, v => v != 0f);
    }

    [Fact]
    public void TooSmallBuffersAreRejected()
    {
        var g = Window2D.Create(1, 4, 4, 2, 3, 3, 1, 1, 1, 1, "same");
        var e = Assert.Throws<ArgumentException>(() => ImplicitConvolution.Forward(new float[31], new float[18 * 3], default, EpilogueActivation.None, new float[48], g, 3));
        Assert.Contains("image 31", e.Message);
    }

    private static void Close(float[] expected, float[] actual, int terms, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        double tol = 1e-5 + 1e-5 * Math.Sqrt(terms) * 4;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}: [{i}] cpu {actual[i]}, reference {expected[i]}");
        }
    }
}
