using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The recurrent kernel's inference forward (no histories, x projected in its own order, kernels read from packings
/// kept between calls) writes exactly the training forward's floats: bit for bit at every SIMD level this CPU has,
/// for SimpleRNN, LSTM and GRU over going backwards, masks, zero outputs for masked steps, no bias and GRU's
/// separate recurrent bias, at 1 and 2 threads; and within float tolerance of the reference backend. The few-rows
/// step product it uses equals the plain prepacked product bit for bit. Bit equality holds because every product row
/// and every gate are computed by the same arithmetic in the same order; only what is kept differs.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class RecurrentInferenceTests
{
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

    private static void SameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what} [{i}]: inference {actual[i]:R}, training forward {expected[i]:R}");
        }
    }

    public static TheoryData<int, int, int, bool, bool, bool, int, int> Cases()
    {
        // kind, batch, units, goBackwards, masked, zeroOutputForMask, bias (0 none, 1 G, 2 2G for GRU), activation (0 tanh, 1 relu)
        var cases = new TheoryData<int, int, int, bool, bool, bool, int, int>();
        foreach (int kind in new[] { (int)RecurrentKind.SimpleRnn, (int)RecurrentKind.Lstm, (int)RecurrentKind.Gru })
        {
            int fullBias = kind == (int)RecurrentKind.Gru ? 2 : 1;
            cases.Add(kind, 7, 19, false, false, false, fullBias, 0);
            cases.Add(kind, 1, 32, true, false, false, fullBias, 0);
            cases.Add(kind, 7, 32, false, true, false, 0, 1);
            cases.Add(kind, 2, 19, true, true, true, fullBias, 0);
        }
        cases.Add((int)RecurrentKind.Gru, 5, 19, false, true, false, 1, 0);
        cases.Add((int)RecurrentKind.Lstm, 9, 40, true, false, false, 1, 1);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void InferEqualsTheTrainingForwardBitForBit(int kindIndex, int b, int h, bool goBackwards, bool masked, bool zeroOutputForMask, int biasKind, int activation)
    {
        var kind = (RecurrentKind)kindIndex;
        int t = 5, f = 6;
        int g = kind switch { RecurrentKind.Lstm => 4, RecurrentKind.Gru => 3, _ => 1 } * h;
        var act = activation == 0 ? EpilogueActivation.Tanh : EpilogueActivation.Relu;
        var recAct = EpilogueActivation.Sigmoid;
        var x = Rand(b * t * f, 1);
        var kernel = Rand(f * g, 2, -0.5f, 0.5f);
        var recurrent = Rand(h * g, 3, -0.5f, 0.5f);
        var bias = biasKind == 0 ? [] : Rand(biasKind * g, 4, -0.2f, 0.2f);
        var h0 = Rand(b * h, 5);
        var c0 = kind == RecurrentKind.Lstm ? Rand(b * h, 6) : [];
        var mask = new float[masked ? b * t : 0];
        for (int i = 0; i < mask.Length; i++)
        {
            // Sample 0's first steps masked (zeros before its first valid step), gaps elsewhere.
            mask[i] = i is 0 or 1 || i % 4 == 3 ? 0f : 1f;
        }

        (float[] Seq, float[] Last, float[] HT, float[] CT) Outputs() => (new float[b * t * h], new float[b * h], new float[b * h], new float[c0.Length]);
        int saved = Config.Threads;
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            var reference = Outputs();
            var refKernel = ReferenceBackend.Instance.CreateRecurrent(kind, b, t, f, h, act, recAct, goBackwards, zeroOutputForMask, false, false);
            refKernel.Infer(x, null, kernel, null, recurrent, bias, h0, c0, mask, reference.Seq, reference.Last, reference.HT, reference.CT);
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                var sharedKernel = Gemm.PackPanels(level, kernel, f, g, false, null);
                var sharedRecurrent = Gemm.PackPanels(level, recurrent, h, g, false, null);
                (float[] Seq, float[] Last, float[] HT, float[] CT)? first = null;
                foreach (int threads in new[] { 1, 2 })
                {
                    Config.Threads = threads;
                    string where = $"{kind} {level} {threads} thread(s)";
                    var kern = new RecurrentKernel(kind, b, t, f, h, act, recAct, goBackwards, zeroOutputForMask, false, false) { Level = level };
                    var training = Outputs();
                    kern.Forward(x, kernel, recurrent, bias, h0, c0, mask, default, default, training.Seq, training.Last, training.HT, training.CT);
                    // The same kernel object, then a fresh one (which never allocates histories), with and without shared packings.
                    foreach (var (k, packedK, packedR) in new[]
                    {
                        (kern, (PackedMatrix?)null, (PackedMatrix?)null),
                        (new RecurrentKernel(kind, b, t, f, h, act, recAct, goBackwards, zeroOutputForMask, false, false) { Level = level }, sharedKernel, sharedRecurrent),
                    })
                    {
                        var inferred = Outputs();
                        k.Infer(x, packedK, kernel, packedR, recurrent, bias, h0, c0, mask, inferred.Seq, inferred.Last, inferred.HT, inferred.CT);
                        Assert.False(k.HistoriesKept);
                        SameBits(training.Seq, inferred.Seq, where + " sequences");
                        SameBits(training.Last, inferred.Last, where + " last");
                        SameBits(training.HT, inferred.HT, where + " h_T");
                        SameBits(training.CT, inferred.CT, where + " c_T");
                    }
                    if (first is { } one)
                    {
                        SameBits(one.Seq, training.Seq, where + " sequences, 1 vs 2 threads");
                        SameBits(one.HT, training.HT, where + " h_T, 1 vs 2 threads");
                    }
                    first = training;
                    Close(reference.Seq, training.Seq, where + " sequences vs reference");
                    Close(reference.Last, training.Last, where + " last vs reference");
                    Close(reference.HT, training.HT, where + " h_T vs reference");
                    Close(reference.CT, training.CT, where + " c_T vs reference");
                }
            }
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    [Fact]
    public void BackwardAfterInferIsRefusedUntilAForwardKeepsTheHistories()
    {
        int b = 2, t = 3, f = 4, h = 5, g = 4 * h;
        var kern = new RecurrentKernel(RecurrentKind.Lstm, b, t, f, h, EpilogueActivation.Tanh, EpilogueActivation.Sigmoid, false, false, false, false);
        var x = Rand(b * t * f, 1);
        var kernel = Rand(f * g, 2);
        var recurrent = Rand(h * g, 3);
        var zeros = new float[b * h];
        kern.Infer(x, null, kernel, null, recurrent, default, zeros, zeros, default, default, new float[b * h], default, default);
        var error = Assert.Throws<InvalidOperationException>(() => kern.Backward(x, kernel, recurrent, false, zeros, zeros, default, default, default,
            default, new float[b * h], default, default, new float[x.Length], new float[kernel.Length], new float[recurrent.Length], default, default, default));
        Assert.Contains("Infer", error.Message);
        kern.Forward(x, kernel, recurrent, default, zeros, zeros, default, default, default, default, new float[b * h], default, default);
        Assert.True(kern.HistoriesKept);
    }

    [Theory]
    [InlineData(1, 512, 128)]
    [InlineData(1, 384, 128)]
    [InlineData(2, 76, 19)]
    [InlineData(3, 200, 300)]
    [InlineData(4, 33, 600)]
    public void FewRowsStepProductEqualsThePrepackedProductBitForBit(int m, int n, int k)
    {
        var a = Rand(m * k, 7);
        var b = Rand(k * n, 8);
        int saved = Config.Threads;
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                var packed = Gemm.PackPanels(level, b, k, n, false, null);
                var expected = new float[m * n];
                Gemm.MultiplyPrepacked(a, packed, expected, m, false, false, default, EpilogueActivation.None);
                foreach (int threads in new[] { 1, 2 })
                {
                    Config.Threads = threads;
                    var c = Rand(m * n, 9);
                    Gemm.MultiplyPrepackedFewRows(a, packed, c, m);
                    SameBits(expected, c, $"{level} {threads} thread(s) {m}x{k} by {k}x{n}");
                }
            }
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f + 1e-4f * Math.Abs(expected[i]),
                $"{what} [{i}]: cpu {actual[i]}, reference {expected[i]}");
        }
    }
}
