using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The fused dot-product attention kernel of the CPU backend (blocked, online softmax, probabilities recomputed in the
/// backward) against the reference backend's plain composition, at every SIMD level this CPU runs: forward output,
/// logsumexp and the three gradients, with biases broadcast over batch and heads, masked keys, fully masked rows,
/// causal masking, query and key lengths that differ and that cross the kernel's block sizes.
/// </summary>
public sealed class AttentionKernelParityTests
{
    private static readonly IBackend Ref = ReferenceBackend.Instance;

    private static float[] Rand(int n, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new SeedGenerator(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = lo + (hi - lo) * rng.NextFloat();
        }
        return r;
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, float tol = 2e-5f)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol + tol * Math.Abs(expected[i]), $"{what}: [{i}] cpu {actual[i]}, reference {expected[i]}");
        }
    }

    // biasMode: 0 none, 1 full (B, N, Tq, Tk), 2 (B, 1, Tq, Tk) with masked keys (-1e9) and one fully masked query row, 3 (1, 1, Tq, Tk).
    public static TheoryData<int, int, int, int, int, int, bool, int> Cases() => new()
    {
        { 2, 2, 5, 7, 3, 4, false, 0 },
        { 2, 3, 70, 130, 8, 5, false, 1 },
        { 2, 2, 70, 70, 16, 16, true, 0 },
        { 1, 2, 90, 50, 4, 6, true, 2 },
        { 3, 1, 65, 129, 5, 3, false, 2 },
        { 2, 2, 33, 200, 8, 8, true, 3 },
        { 1, 1, 130, 66, 7, 9, true, 1 },
        { 1, 2, 70, 300, 8, 5, false, 1 },
        { 1, 1, 300, 290, 4, 4, true, 2 },
        { 2, 1, 20, 520, 3, 2, false, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedKernelMatchesTheCompositionAtEverySimdLevel(int b, int n, int tq, int tk, int d, int dv, bool causal, int biasMode)
    {
        var q = Rand(b * tq * n * d, 1, -2f, 2f);
        var k = Rand(b * tk * n * d, 2, -2f, 2f);
        var v = Rand(b * tk * n * dv, 3);
        var gradOut = Rand(b * tq * n * dv, 4);
        float[] bias = biasMode switch
        {
            1 => Rand(b * n * tq * tk, 5),
            2 => MaskBias(b, tq, tk),
            3 => Rand(tq * tk, 6),
            _ => [],
        };
        long batchStride = biasMode switch { 1 => (long)n * tq * tk, 2 => (long)tq * tk, _ => 0 };
        long headStride = biasMode == 1 ? (long)tq * tk : 0;
        var g = new AttentionGeometry(b, n, tq, tk, d, dv, 1f / MathF.Sqrt(d), causal, batchStride, headStride);
        var outRef = new float[b * tq * n * dv];
        var lseRef = new float[2 * b * n * tq];
        Ref.DotProductAttention(q, k, v, bias, g, outRef, lseRef);
        var dqRef = new float[q.Length];
        var dkRef = new float[k.Length];
        var dvRef = new float[v.Length];
        Ref.DotProductAttentionBackward(q, k, v, bias, g, outRef, lseRef, gradOut, dqRef, dkRef, dvRef);
        foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
        {
            string what = $"{level} b={b} n={n} tq={tq} tk={tk} d={d} dv={dv} causal={causal} bias={biasMode}";
            var o = new float[outRef.Length];
            var lse = new float[lseRef.Length];
            FlashAttention.Forward(level, q, k, v, bias, g, o, lse);
            Close(outRef, o, $"{what} output");
            Close(lseRef, lse, $"{what} row statistics", 2e-5f);
            // Stale values in the gradient buffers must be overwritten, not added to.
            var dq = Rand(q.Length, 7);
            var dk = Rand(k.Length, 8);
            var dvv = Rand(v.Length, 9);
            FlashAttention.Backward(level, q, k, v, bias, g, o, lse, gradOut, dq, dk, dvv);
            Close(dqRef, dq, $"{what} dq", 1e-4f);
            Close(dkRef, dk, $"{what} dk", 1e-4f);
            Close(dvRef, dvv, $"{what} dv", 1e-4f);
        }
        var viaSeam = new float[outRef.Length];
        CpuBackend.Instance.DotProductAttention(q, k, v, bias, g, viaSeam, new float[lseRef.Length]);
        Close(outRef, viaSeam, "cpu backend dot_product_attention");
    }

    /// <summary>A (B, 1, Tq, Tk) bias of 0 and -1e9: sample b hides its last b + 1 keys, and query row 1 of sample 0 sees no key at all.</summary>
    private static float[] MaskBias(int b, int tq, int tk)
    {
        var m = new float[b * tq * tk];
        for (int s = 0; s < b; s++)
        {
            for (int i = 0; i < tq; i++)
            {
                for (int j = 0; j < tk; j++)
                {
                    bool hidden = j >= tk - (s + 1) || (s == 0 && i == 1);
                    m[(s * tq + i) * tk + j] = hidden ? AttentionGeometry.LargeNegative : 0f;
                }
            }
        }
        return m;
    }

    [Fact]
    public void AFullyMaskedRowSpreadsOverEveryKeyAsKerasSoftmaxDoes()
    {
        // Under a causal mask row 0 would see key 0 only, but the bias hides key 0 too: Keras's logits are then all
        // about -1e9 and its softmax is uniform over all keys; the fused kernel must not stop at the causal diagonal.
        int tq = 3, tk = 80, d = 2;
        var q = Rand(tq * d, 1);
        var k = Rand(tk * d, 2);
        var v = Rand(tk, 3);
        var bias = new float[tq * tk];
        for (int j = 0; j < tk; j++)
        {
            bias[j] = AttentionGeometry.LargeNegative;
        }
        var g = new AttentionGeometry(1, 1, tq, tk, d, 1, 1f, true, 0, 0);
        var o = new float[tq];
        FlashAttention.Forward(Gemm.Level, q, k, v, bias, g, o, new float[2 * tq]);
        Assert.Equal(v.Average(), o[0], 4);
        // Row 2 sees keys 0..2 (the bias hides keys from row 0 only): the softmax of its three logits.
        var logits = Enumerable.Range(0, 3).Select(j => (double)q[4] * k[2 * j] + (double)q[5] * k[2 * j + 1]).ToArray();
        double m = logits.Max();
        double expected = Enumerable.Range(0, 3).Sum(j => Math.Exp(logits[j] - m) * v[j]) / logits.Sum(l => Math.Exp(l - m));
        Assert.Equal(expected, o[2], 5);
    }
}
