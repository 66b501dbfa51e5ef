using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The 3-D convolution and pooling kernels of the CPU backend (im2col into the packed GEMM, at every
/// SIMD level this CPU runs, and through the backend seam) against the reference backend's defining sums.
/// </summary>
public class Convolution3DParityTests
{
    private static readonly IBackend Cpu = CpuBackend.Instance;
    private static readonly IBackend Ref = ReferenceBackend.Instance;

    private static float[] Rand(int n, int seed) => GradCheck.Random(seed, -1, 1, n).ToArray();

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, float tol = 1e-4f)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol + tol * Math.Abs(expected[i]), $"{what}: [{i}] cpu {actual[i]}, reference {expected[i]}");
        }
    }

    // kernel, stride, dilation, padding, groups, activation (EpilogueActivation), channels, filters, size
    public static TheoryData<int, int, int, string, int, int, int, int, int> ConvCases() => new()
    {
        { 3, 1, 1, "valid", 1, 0, 3, 5, 5 },
        { 3, 2, 1, "same", 1, 1, 6, 4, 6 },
        { 2, 1, 2, "same", 1, 2, 4, 3, 5 },
        { 3, 1, 1, "same", 2, 0, 6, 4, 5 },
        { 1, 1, 1, "valid", 3, 3, 9, 6, 4 },
        { 3, 1, 1, "same", 1, 0, 8, 8, 8 },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv3DAtEverySimdLevel(int kernel, int stride, int dilation, string padding, int groups, int activation, int channels, int filters, int size)
    {
        int n = 2;
        var g = Window3D.Create(n, size, size - 1, size + 1, channels, [kernel, kernel, kernel], [stride, stride, stride], [dilation, dilation, dilation], padding, groups);
        var x = Rand(n * g.VolumeSize, 1);
        var k = Rand(g.PatchSize * filters, 2);
        var bias = Rand(filters, 3);
        var dy = Rand(n * g.OutVoxels * filters, 4);
        var act = (EpilogueActivation)activation;
        var yRef = new float[dy.Length];
        var dkRef = new float[k.Length];
        var dxRef = new float[x.Length];
        Ref.Conv3DForward(x, k, bias, act, yRef, g, filters);
        Ref.Conv3DBackwardKernel(x, dy, dkRef, g, filters);
        Ref.Conv3DBackwardInput(dy, k, dxRef, g, filters);
        string what = $"{kernel}/{stride}/{dilation}/{padding}/groups {groups}/{act}";
        foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
        {
            // Stale values in the outputs must be overwritten, not added to.
            var y = Enumerable.Repeat(9f, yRef.Length).ToArray();
            var dk = Enumerable.Repeat(9f, dkRef.Length).ToArray();
            var dx = Enumerable.Repeat(9f, dxRef.Length).ToArray();
            Convolution3D.Forward(level, x, k, bias, act, y, g, filters);
            Convolution3D.BackwardKernel(level, x, dy, dk, g, filters);
            Convolution3D.BackwardInput(level, dy, k, dx, g, filters);
            Close(yRef, y, $"forward {what} {level}");
            Close(dkRef, dk, $"kernel gradient {what} {level}");
            Close(dxRef, dx, $"input gradient {what} {level}");
        }
        var ySeam = new float[yRef.Length];
        Cpu.Conv3DForward(x, k, bias, act, ySeam, g, filters);
        Close(yRef, ySeam, $"forward through the backend seam {what}");
    }

    [Fact]
    public void AdjointGeometryOfATransposedConvolutionMatches()
    {
        // Conv3DTranspose runs the input gradient of a convolution whose padding comes from Keras's
        // transposed-convolution rule (here output_padding 1 on stride 2): pads that no forward
        // "valid"/"same" convolution would choose.
        int n = 2, filters = 3, cin = 4;
        int pad = SharpKeras.Ops.ConvTransposePadBefore(3, 2, 1, "same", 1);
        int len = SharpKeras.Ops.ConvTransposeOutputLength(3, 3, 2, 1, "same", 1);
        var g = new Window3D(n, len, len, len, filters, 3, 3, 3, 2, 2, 2, 1, 1, 1, pad, pad, pad, 3, 3, 3);
        var x = Rand(n * 27 * cin, 5);
        var k = Rand(27 * filters * cin, 6);
        var yRef = new float[n * g.VolumeSize];
        var y = new float[yRef.Length];
        Ref.Conv3DBackwardInput(x, k, yRef, g, cin);
        Cpu.Conv3DBackwardInput(x, k, y, g, cin);
        Close(yRef, y, "transposed forward");
        var gy = Rand(yRef.Length, 7);
        var dkRef = new float[k.Length];
        var dk = new float[k.Length];
        Ref.Conv3DBackwardKernel(gy, x, dkRef, g, cin);
        Cpu.Conv3DBackwardKernel(gy, x, dk, g, cin);
        Close(dkRef, dk, "transposed kernel gradient");
    }

    public static TheoryData<int, int, string, int> PoolCases() => new()
    {
        { 2, 2, "valid", 19 },
        { 3, 2, "same", 19 },
        { 3, 1, "same", 5 },
        { 2, 3, "valid", 16 },
    };

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pool3DMatchesReference(int pool, int stride, string padding, int channels)
    {
        int n = 2;
        var g = Window3D.Create(n, 5, 6, 7, channels, [pool, pool, pool], [stride, stride, stride], [1, 1, 1], padding);
        var x = Rand(n * g.VolumeSize, 8);
        var dy = Rand(n * g.OutVoxels * channels, 9);
        string what = $"{pool}/{stride}/{padding}/{channels}";

        var yRef = new float[dy.Length];
        var y = new float[dy.Length];
        var argRef = new int[dy.Length];
        var arg = new int[dy.Length];
        Ref.MaxPool3DForward(x, yRef, argRef, g);
        Cpu.MaxPool3DForward(x, y, arg, g);
        Close(yRef, y, $"max forward {what}", 0f);
        Assert.Equal(argRef, arg);
        var dxRef = new float[x.Length];
        var dx = Enumerable.Repeat(9f, x.Length).ToArray();
        Ref.MaxPool3DBackward(dy, argRef, dxRef, g);
        Cpu.MaxPool3DBackward(dy, arg, dx, g);
        Close(dxRef, dx, $"max backward {what}", 1e-6f);

        Ref.AveragePool3DForward(x, yRef, g);
        Cpu.AveragePool3DForward(x, y, g);
        Close(yRef, y, $"average forward {what}", 1e-5f);
        Array.Fill(dx, 9f);
        Ref.AveragePool3DBackward(dy, dxRef, g);
        Cpu.AveragePool3DBackward(dy, dx, g);
        Close(dxRef, dx, $"average backward {what}", 1e-5f);
    }
}
