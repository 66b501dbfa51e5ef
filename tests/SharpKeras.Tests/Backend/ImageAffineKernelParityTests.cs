using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>The projective image transform on the CPU backend against the reference backend, every fill mode and interpolation, forward and backward.</summary>
public class ImageAffineKernelParityTests
{
    public static TheoryData<int, bool, int> Cases()
    {
        var data = new TheoryData<int, bool, int>();
        foreach (var mode in Enum.GetValues<AffineFillMode>())
        {
            foreach (bool bilinear in new[] { false, true })
            {
                data.Add((int)mode, bilinear, 3);
                data.Add((int)mode, bilinear, 19);
            }
        }
        return data;
    }

    /// <summary>A rotation with zoom and shift, a projective one, one reaching far outside the image, and one with a point at infinity (k = 0).</summary>
    private static float[] Transforms(int h, int w)
    {
        var t = new float[4 * 8];
        double angle = 0.6, zoom = 1.3;
        float cx = (w - 1) / 2f, cy = (h - 1) / 2f;
        float a0 = (float)(zoom * Math.Cos(angle)), a1 = (float)(-zoom * Math.Sin(angle)), b0 = (float)(zoom * Math.Sin(angle)), b1 = a0;
        float[] rotation = [a0, a1, cx - cx * a0 - cy * a1 + 0.3f, b0, b1, cy - cx * b0 - cy * b1 - 0.7f, 0, 0];
        float[] projective = [0.9f, 0.15f, 1.2f, -0.1f, 1.1f, -0.4f, 0.01f, -0.02f];
        float[] far = [2.5f, 0.4f, -3 * w, 0.3f, -2.2f, 2 * h, 0, 0];
        float[] infinity = [1f, 0f, 0f, 0f, 1f, 0f, -0.25f, 0f];
        rotation.CopyTo(t, 0);
        projective.CopyTo(t, 8);
        far.CopyTo(t, 16);
        infinity.CopyTo(t, 24);
        return t;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AffineTransformMatchesReference(int fillMode, bool bilinear, int c)
    {
        var mode = (AffineFillMode)fillMode;
        int n = 4, h = 9, w = 37, oh = 7, ow = 41;
        var t = Transforms(h, w);
        var x = GradCheck.Random(1, -1, 1, n * h * w * c).ToArray();
        var yCpu = new float[n * oh * ow * c];
        var yRef = new float[yCpu.Length];
        CpuBackend.Instance.AffineTransform(x, yCpu, n, h, w, c, oh, ow, t, bilinear, mode, 0.25f, backward: false);
        ReferenceBackend.Instance.AffineTransform(x, yRef, n, h, w, c, oh, ow, t, bilinear, mode, 0.25f, backward: false);
        for (int i = 0; i < yRef.Length; i++)
        {
            Assert.True(Math.Abs(yRef[i] - yCpu[i]) <= 1e-5 + 1e-5 * Math.Abs(yRef[i]), $"forward [{i}]: cpu {yCpu[i]}, reference {yRef[i]}");
        }
        var g = GradCheck.Random(2, -1, 1, yRef.Length).ToArray();
        var dxCpu = Enumerable.Repeat(7f, x.Length).ToArray();
        var dxRef = new float[x.Length];
        CpuBackend.Instance.AffineTransform(dxCpu, g, n, h, w, c, oh, ow, t, bilinear, mode, 0.25f, backward: true);
        ReferenceBackend.Instance.AffineTransform(dxRef, g, n, h, w, c, oh, ow, t, bilinear, mode, 0.25f, backward: true);
        for (int i = 0; i < dxRef.Length; i++)
        {
            Assert.True(Math.Abs(dxRef[i] - dxCpu[i]) <= 1e-4 + 1e-5 * Math.Abs(dxRef[i]), $"backward [{i}]: cpu {dxCpu[i]}, reference {dxRef[i]}");
        }
    }
}
