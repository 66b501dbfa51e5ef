using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>Winograd F(2x2, 3x3) for the 3x3 stride-1 convolution forward (and the stride-1 input gradient) against the reference backend, at every SIMD level and thread count.</summary>
[Collection(ThreadCountCollection.Name)]
public class WinogradConvolutionTests
{
    private static readonly IBackend Ref = ReferenceBackend.Instance;

    private static IEnumerable<SimdLevel> Levels() => Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best);

    /// <summary>batch, height, width, channels, filters, padding.</summary>
    public static TheoryData<int, int, int, int, int, string> Cases() => new()
    {
        // Whole tiles, no border.
        { 2, 10, 10, 16, 16, "valid" },
        // Odd output sizes (half tiles), channel and filter counts that leave vector and panel tails.
        { 2, 9, 7, 17, 40, "same" },
        { 1, 8, 9, 19, 33, "valid" },
        // Output 3x3 from a 3x3 image: every tile on the border.
        { 2, 3, 3, 16, 20, "same" },
        // 2x2 output, a single tile per image.
        { 3, 4, 4, 32, 64, "valid" },
        // Several blocks of tiles per image (156 tiles at 16 channels, 64 tiles in blocks of 30 at 64/64).
        { 2, 24, 26, 16, 16, "same" },
        { 2, 15, 15, 64, 64, "same" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesReferenceAtEveryLevelAndThreadCount(int batch, int h, int w, int c, int filters, string padding)
    {
        var g = Window2D.Create(batch, h, w, c, 3, 3, 1, 1, 1, 1, padding);
        int outputs = batch * g.OutPixels * filters;
        var x = TestArrays.Uniform(batch * g.ImageSize, 11);
        var k = TestArrays.Uniform(g.PatchSize * filters, 12);
        var bias = TestArrays.Uniform(filters, 13);
        var dy = TestArrays.Uniform(outputs, 14);
        string what = $"{batch}x{h}x{w}x{c} -> {filters}, {padding}";
        foreach (var activation in new[] { EpilogueActivation.Relu, EpilogueActivation.None, EpilogueActivation.Sigmoid })
        {
            var yRef = new float[outputs];
            Ref.ConvForward(x, k, activation == EpilogueActivation.None ? default : bias, activation, yRef, g, filters);
            foreach (var level in Levels())
            {
                float[]? y1 = null;
                foreach (int threads in new[] { 1, 2 })
                {
                    int saved = Config.Threads;
                    Config.Threads = threads;
                    using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
                    try
                    {
                        var y = TestArrays.Uniform(outputs, 15);
                        Winograd(level, x, k, activation == EpilogueActivation.None ? default : bias, activation, y, g, filters);
                        Close(yRef, y, g.PatchSize, $"{what} {activation}, {level}, {threads} threads");
                        y1 ??= y;
                        Assert.Equal(y1, y);
                    }
                    finally
                    {
                        Config.Threads = saved;
                    }
                }
            }
        }
        // The input gradient's mirrored forward takes Winograd too when the filters are its channels (whichever runs, the floats stay close).
        var dxRef = new float[x.Length];
        Ref.ConvBackwardInput(dy, k, dxRef, g, filters);
        foreach (var level in Levels())
        {
            var dx = TestArrays.Uniform(x.Length, 16);
            ImplicitConvolution.BackwardInput(level, dy, k, dx, g, filters);
            Close(dxRef, dx, g.PatchSize * filters, $"{what} dX, {level}");
        }
    }

    [Fact]
    public void QualifyingConvolutionsRunOnWinograd()
    {
        var g = Window2D.Create(2, 10, 12, 32, 3, 3, 1, 1, 1, 1, "same");
        const int filters = 32;
        Assert.True(WinogradConvolution.Takes(g, filters));
        var x = TestArrays.Uniform(2 * g.ImageSize, 17);
        var k = TestArrays.Uniform(g.PatchSize * filters, 18);
        var bias = TestArrays.Uniform(filters, 19);
        var a = new float[2 * g.OutPixels * filters];
        var b = new float[a.Length];
        var direct = new float[a.Length];
        CpuBackend.Instance.ConvForward(x, k, bias, EpilogueActivation.Relu, a, g, filters);
        Winograd(Gemm.Level, x, k, bias, EpilogueActivation.Relu, b, g, filters);
        unsafe
        {
            fixed (float* px = x)
            fixed (float* pk = k)
            fixed (float* pb = bias)
            fixed (float* pd = direct)
            {
                DirectConvolution.Forward(Gemm.Level, px, pk, pb, EpilogueActivation.Relu, pd, g, filters);
            }
        }
        Assert.Equal(b, a);
        // Winograd's floats differ from the direct kernel's in the last bits: the check above is not vacuous.
        Assert.NotEqual(direct, a);
    }

    [Fact]
    public void PackedKernelGivesTheSameFloatsAsThePlainKernel()
    {
        var g = Window2D.Create(2, 9, 11, 32, 3, 3, 1, 1, 1, 1, "same");
        const int filters = 40;
        Assert.True(WinogradConvolution.Takes(g, filters));
        var x = TestArrays.Uniform(2 * g.ImageSize, 21);
        var k = TestArrays.Uniform(g.PatchSize * filters, 22);
        var bias = TestArrays.Uniform(filters, 23);
        var packed = (ConvPanels)CpuBackend.Instance.PackConvKernel(k, g.PatchSize, filters);
        var a = new float[2 * g.OutPixels * filters];
        var b = new float[a.Length];
        var c = new float[a.Length];
        CpuBackend.Instance.ConvForward(x, k, bias, EpilogueActivation.Relu, a, g, filters);
        CpuBackend.Instance.ConvForwardPacked(x, packed, bias, EpilogueActivation.Relu, b, g, filters);
        // The transformed kernel is kept with the panels: the second call reuses it.
        var kept = packed.Winograd;
        CpuBackend.Instance.ConvForwardPacked(x, packed, bias, EpilogueActivation.Relu, c, g, filters);
        Assert.Same(kept, packed.Winograd);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.Contains(a, v => v > 0f);
    }

    [Theory]
    [InlineData(3, 32, 3, 1, 1)]
    [InlineData(1, 32, 3, 1, 1)]
    [InlineData(8, 32, 3, 1, 1)]
    [InlineData(16, 32, 3, 1, 1)]
    [InlineData(32, 8, 3, 1, 1)]
    [InlineData(32, 32, 5, 1, 1)]
    [InlineData(32, 32, 3, 2, 1)]
    [InlineData(32, 32, 3, 1, 2)]
    public void OtherShapesKeepTheDirectKernel(int channels, int filters, int kernel, int stride, int dilation)
    {
        var g = Window2D.Create(1, 16, 16, channels, kernel, kernel, stride, stride, dilation, dilation, "same");
        Assert.False(WinogradConvolution.Takes(g, filters));
    }

    [Fact]
    public void ErrorOnNormalDataAt64ChannelsStaysNearTheDirectKernels()
    {
        // N(0, 1) data and kernel at 64 channels: both float kernels against the double-precision sums.
        var g = Window2D.Create(2, 12, 12, 64, 3, 3, 1, 1, 1, 1, "same");
        const int filters = 64;
        var x = Normal(2 * g.ImageSize, 31);
        var k = Normal(g.PatchSize * filters, 32);
        var exact = new float[2 * g.OutPixels * filters];
        Ref.ConvForward(x, k, default, EpilogueActivation.None, exact, g, filters);
        var wino = new float[exact.Length];
        var direct = new float[exact.Length];
        Winograd(Gemm.Level, x, k, default, EpilogueActivation.None, wino, g, filters);
        unsafe
        {
            fixed (float* px = x)
            fixed (float* pk = k)
            fixed (float* pd = direct)
            {
                DirectConvolution.Forward(Gemm.Level, px, pk, null, EpilogueActivation.None, pd, g, filters);
            }
        }
        double winoError = 0, directError = 0, scale = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            winoError = Math.Max(winoError, Math.Abs(wino[i] - exact[i]));
            directError = Math.Max(directError, Math.Abs(direct[i] - exact[i]));
            scale = Math.Max(scale, Math.Abs(exact[i]));
        }
        // Outputs reach ~80 (sqrt(576) standard deviations); float32 rounding of such sums is ~1e-5.
        Assert.True(scale > 40, $"scale {scale}");
        Assert.True(winoError < 2e-4 && winoError < 8 * directError + 1e-6, $"Winograd max error {winoError}, direct {directError}, max |y| {scale}");
    }

    [Fact]
    public void TinyImagesKeepTheDirectKernel()
    {
        Assert.False(WinogradConvolution.Takes(Window2D.Create(1, 6, 6, 64, 3, 3, 1, 1, 1, 1, "same"), 64));
        Assert.False(WinogradConvolution.Takes(Window2D.Create(1, 8, 8, 64, 3, 3, 1, 1, 1, 1, "valid"), 64));
        Assert.True(WinogradConvolution.Takes(Window2D.Create(1, 7, 7, 64, 3, 3, 1, 1, 1, 1, "same"), 64));
    }

    private static unsafe void Winograd(SimdLevel level, float[] x, float[] k, ReadOnlySpan<float> bias, EpilogueActivation activation, float[] y, in Window2D g, int filters)
    {
        fixed (float* px = x)
        fixed (float* pk = k)
        fixed (float* pb = bias)
        fixed (float* py = y)
        {
            WinogradConvolution.Forward(level, px, pk, bias.IsEmpty ? null : pb, activation, py, g, filters);
        }
    }

    private static float[] Normal(int n, int seed)
    {
        var u = TestArrays.Uniform(2 * n, seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Box-Muller over (0, 1] pairs.
            double u1 = (u[2 * i] + 1) / 2 + 1e-12, u2 = (u[2 * i + 1] + 1) / 2;
            r[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return r;
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
