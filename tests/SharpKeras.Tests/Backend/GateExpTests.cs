using System.Numerics;
using System.Runtime.Intrinsics;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The recurrent gates' SIMD exp: within 2 ulp of the exact value over the range where e^x is a normal float, NaN
/// kept, and the same bits in 512-bit vectors as in Vector&lt;float&gt; (the gate pass mixes both widths).
/// </summary>
public class GateExpTests
{
    private static float[] Samples()
    {
        var rng = new SeedGenerator(3);
        var x = new float[4096];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = -87f + 175f * rng.NextFloat();
        }
        // Points where the range reduction switches n, and the ends of the clamp.
        float[] edges = [0f, -0f, 0.34657359f, -0.34657359f, 1e-8f, -1e-8f, 1f, -1f, 87.9f, -87.2f, 20f, -20f];
        edges.CopyTo(x, 0);
        return x;
    }

    [Fact]
    public void IsWithinTwoUlpOfTheExactValue()
    {
        var x = Samples();
        int w = Vector<float>.Count;
        for (int i = 0; i + w <= x.Length; i += w)
        {
            var y = GateExp.Exp(new Vector<float>(x, i));
            for (int j = 0; j < w; j++)
            {
                double exact = Math.Exp(x[i + j]);
                float e = (float)exact;
                double ulp = MathF.BitIncrement(e) - e;
                Assert.True(Math.Abs(y[j] - exact) <= 2 * ulp, $"exp({x[i + j]:R}) = {y[j]:R}, exact {exact:R}");
            }
        }
    }

    [Fact]
    public void KeepsNaNAndSaturatesOutsideTheNormalRange()
    {
        var y = GateExp.Exp(new Vector<float>(float.NaN));
        Assert.True(float.IsNaN(y[0]));
        float big = GateExp.Exp(new Vector<float>(1000f))[0];
        float tiny = GateExp.Exp(new Vector<float>(-1000f))[0];
        Assert.True(float.IsFinite(big) && big > 1e38f, $"exp(1000) gave {big}");
        Assert.True(tiny > 0f && tiny < 2e-38f, $"exp(-1000) gave {tiny}");
        // What the gates make of them: sigmoid and tanh saturate to their limits.
        Assert.Equal(1f, GateSigmoid.Apply(new Vector<float>(200f))[0]);
        Assert.Equal(-1f, GateTanh.Apply(new Vector<float>(-200f))[0]);
    }

    [Fact]
    public void WideVectorsGiveTheSameBits()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            // The gate pass mixes the widths only where 512-bit vectors run in hardware (then multiply-adds are fused).
            return;
        }
        var x = Samples();
        int w = Vector<float>.Count;
        for (int i = 0; i + 16 <= x.Length; i += 16)
        {
            var wide = GateExp.Exp(Vector512.Create(x.AsSpan(i, 16)));
            var sigmoidWide = GateSigmoid.Apply(Vector512.Create(x.AsSpan(i, 16)));
            var tanhWide = GateTanh.Apply(Vector512.Create(x.AsSpan(i, 16)) * Vector512.Create(0.1f));
            for (int j = 0; j < 16; j += w)
            {
                var narrow = GateExp.Exp(new Vector<float>(x, i + j));
                var sigmoidNarrow = GateSigmoid.Apply(new Vector<float>(x, i + j));
                var tanhNarrow = GateTanh.Apply(new Vector<float>(x, i + j) * new Vector<float>(0.1f));
                for (int q = 0; q < w; q++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(narrow[q]), BitConverter.SingleToInt32Bits(wide[j + q]));
                    Assert.Equal(BitConverter.SingleToInt32Bits(sigmoidNarrow[q]), BitConverter.SingleToInt32Bits(sigmoidWide[j + q]));
                    Assert.Equal(BitConverter.SingleToInt32Bits(tanhNarrow[q]), BitConverter.SingleToInt32Bits(tanhWide[j + q]));
                }
            }
        }
    }
}
