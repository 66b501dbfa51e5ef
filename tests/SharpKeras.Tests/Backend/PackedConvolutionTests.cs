using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>The convolution forward over a kernel packed once: the same floats as packing it per call, at every SIMD level and thread count, on both backends.</summary>
[Collection(ThreadCountCollection.Name)]
public class PackedConvolutionTests
{
    [Theory]
    [InlineData(2, 10, 9, 3, 32, "same")]
    [InlineData(3, 8, 7, 16, 10, "valid")]
    [InlineData(1, 7, 7, 70, 40, "same")]
    public void PackedGivesTheUnpackedFloats(int batch, int h, int w, int c, int filters, string padding)
    {
        var g = Window2D.Create(batch, h, w, c, 3, 3, 1, 1, 1, 1, padding);
        int outputs = batch * g.OutPixels * filters;
        var x = TestArrays.Uniform(batch * g.ImageSize, 31);
        var k = TestArrays.Uniform(g.PatchSize * filters, 32);
        var bias = TestArrays.Uniform(filters, 33);
        foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
        {
            var unpacked = new float[outputs];
            ImplicitConvolution.Forward(level, x, k, bias, EpilogueActivation.Relu, unpacked, g, filters);
            var panels = DirectConvolution.Pack(level, k, g.PatchSize, filters);
            // Later writes to the kernel do not reach the packed copy.
            var kCopy = (float[])k.Clone();
            kCopy[0] += 1f;
            foreach (int threads in new[] { 1, 2 })
            {
                int saved = Config.Threads;
                Config.Threads = threads;
                using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
                try
                {
                    var y = TestArrays.Uniform(outputs, 34);
                    ImplicitConvolution.ForwardPacked(x, panels, bias, EpilogueActivation.Relu, y, g, filters);
                    Assert.Equal(unpacked, y);
                }
                finally
                {
                    Config.Threads = saved;
                }
            }
        }
        // The backends' entry points: the CPU's at the level of this process, the reference's a copy.
        var cpu = CpuBackend.Instance;
        var (a, b) = (new float[outputs], new float[outputs]);
        cpu.ConvForward(x, k, bias, EpilogueActivation.Tanh, a, g, filters);
        cpu.ConvForwardPacked(x, cpu.PackConvKernel(k, g.PatchSize, filters), bias, EpilogueActivation.Tanh, b, g, filters);
        Assert.Equal(a, b);
        var reference = ReferenceBackend.Instance;
        reference.ConvForward(x, k, bias, EpilogueActivation.Tanh, a, g, filters);
        reference.ConvForwardPacked(x, reference.PackConvKernel(k, g.PatchSize, filters), bias, EpilogueActivation.Tanh, b, g, filters);
        Assert.Equal(a, b);
    }

    [Fact]
    public void MismatchedOrForeignPackingsAreRejected()
    {
        var g = Window2D.Create(1, 5, 5, 2, 3, 3, 1, 1, 1, 1, "valid");
        var k = TestArrays.Uniform(g.PatchSize * 4, 35);
        var y = new float[g.OutPixels * 4];
        var x = new float[g.ImageSize];
        var cpu = CpuBackend.Instance;
        var wrongShape = cpu.PackConvKernel(k, g.PatchSize * 2, 2);
        Assert.Throws<ArgumentException>(() => cpu.ConvForwardPacked(x, wrongShape, default, EpilogueActivation.None, y, g, 4));
        var foreign = ReferenceBackend.Instance.PackConvKernel(k, g.PatchSize, 4);
        var e = Assert.Throws<ArgumentException>(() => cpu.ConvForwardPacked(x, foreign, default, EpilogueActivation.None, y, g, 4));
        Assert.Contains("was not packed by the CPU backend", e.Message);
        var pointwise = Window2D.Create(1, 5, 5, 2, 1, 1, 1, 1, 1, 1, "valid");
        Assert.Throws<ArgumentException>(() => cpu.ConvForwardPacked(x, cpu.PackConvKernel(k, 2, 4), default, EpilogueActivation.None, new float[100], pointwise, 4));
    }
}
