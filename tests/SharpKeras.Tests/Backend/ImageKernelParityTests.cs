using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;
using SharpKeras.Layers.Preprocessing;

namespace SharpKeras.Tests.Backend;

/// <summary>The image kernel family (separable resampling) on the CPU backend against the reference backend, forward and backward.</summary>
public class ImageKernelParityTests
{
    public static TheoryData<string, bool, int, int> Cases() => new()
    {
        { "bilinear", false, 0, 0 },
        { "bilinear", true, 0, 0 },
        { "nearest", false, 0, 0 },
        { "bicubic", false, 2, 1 },
        { "bicubic", true, -1, -2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resample2DMatchesReference(string interpolation, bool antialias, int padH, int padW)
    {
        int n = 3, h = 9, w = 13, c = 19, oh = 5, ow = 17;
        // A positive offset pads (fill taps), a negative one crops.
        var rows = ImageResampling.Resize(h, oh, interpolation, antialias, h + 2 * Math.Max(padH, 0) + Math.Min(padH, 0) * 2, padH);
        var cols = ImageResampling.Resize(w, ow, interpolation, antialias, w + 2 * Math.Max(padW, 0) + Math.Min(padW, 0) * 2, padW);
        var x = GradCheck.Random(1, -1, 1, n * h * w * c).ToArray();
        var yCpu = new float[n * oh * ow * c];
        var yRef = new float[yCpu.Length];
        CpuBackend.Instance.Resample2D(x, yCpu, n, h, w, c, rows, cols, 0.25f, backward: false);
        ReferenceBackend.Instance.Resample2D(x, yRef, n, h, w, c, rows, cols, 0.25f, backward: false);
        for (int i = 0; i < yRef.Length; i++)
        {
            Assert.True(Math.Abs(yRef[i] - yCpu[i]) <= 1e-5 + 1e-5 * Math.Abs(yRef[i]), $"forward [{i}]: cpu {yCpu[i]}, reference {yRef[i]}");
        }
        var g = GradCheck.Random(2, -1, 1, yRef.Length).ToArray();
        var dxCpu = Enumerable.Repeat(7f, x.Length).ToArray();
        var dxRef = new float[x.Length];
        CpuBackend.Instance.Resample2D(dxCpu, g, n, h, w, c, rows, cols, 0.25f, backward: true);
        ReferenceBackend.Instance.Resample2D(dxRef, g, n, h, w, c, rows, cols, 0.25f, backward: true);
        for (int i = 0; i < dxRef.Length; i++)
        {
            Assert.True(Math.Abs(dxRef[i] - dxCpu[i]) <= 1e-5 + 1e-5 * Math.Abs(dxRef[i]), $"backward [{i}]: cpu {dxCpu[i]}, reference {dxRef[i]}");
        }
    }
}
