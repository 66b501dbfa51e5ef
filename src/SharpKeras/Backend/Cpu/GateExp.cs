using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// exp(x) for the recurrent gates' sigmoid and tanh, SIMD: 2^n e^r with n = round(x / ln 2) and
/// r = x - n ln 2 in [-ln 2 / 2, ln 2 / 2], e^r from a degree-6 polynomial (Cephes expf's
/// coefficients), within about 2 ulp of the exact value.
/// </summary>
/// <remarks>
/// The library's Vector.Exp costs several times more per element (it widens to double), and the gates of
/// an LSTM take five exponentials per unit and step, which made them half of a layer's time. Inputs are
/// clamped to [-87.3, 88], where e^x and 2^n stay normal floats; NaN stays NaN.
/// </remarks>
internal static class GateExp
{
    private const float Log2E = 1.44269504088896341f;

    // ln 2 split so that n * Ln2Hi is exact for the n that occur (|n| <= 127).
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    /// <summary>Whether multiply-adds are fused in hardware; elsewhere (an x64 build for the SSE baseline) a fused one is emulated lane by lane at great cost, so the product is rounded before the add.</summary>
    private static readonly bool s_fused = Fma.IsSupported || AdvSimd.IsSupported;

    private static Vector<float> Mad(Vector<float> a, Vector<float> b, Vector<float> c) => s_fused ? Vector.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>e^x, lane by lane.</summary>
    public static Vector<float> Exp(Vector<float> x)
    {
        var clamped = Vector.Min(Vector.Max(x, new Vector<float>(-87.3f)), new Vector<float>(88f));
        var n = Vector.Round(clamped * new Vector<float>(Log2E));
        var r = Mad(n, new Vector<float>(-Ln2Hi), clamped);
        r = Mad(n, new Vector<float>(-Ln2Lo), r);
        var p = new Vector<float>(1.9875691500e-4f);
        p = Mad(p, r, new Vector<float>(1.3981999507e-3f));
        p = Mad(p, r, new Vector<float>(8.3334519073e-3f));
        p = Mad(p, r, new Vector<float>(4.1665795894e-2f));
        p = Mad(p, r, new Vector<float>(1.6666665459e-1f));
        p = Mad(p, r, new Vector<float>(5.0000001201e-1f));
        var y = Mad(p, r * r, r + Vector<float>.One);
        var scale = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23));
        return Vector.ConditionalSelect(Vector.Equals(x, x), y * scale, x);
    }

    /// <summary>
    /// e^x, lane by lane, in 512-bit vectors: the same operations per lane as the Vector&lt;float&gt; form (a CPU with
    /// 512-bit vectors fuses multiply-adds), so the same bits.
    /// </summary>
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3f)), Vector512.Create(88f));
        var n = Vector512.Round(clamped * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        var y = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y * scale, x);
    }
}
