using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The CPU recurrent kernel's forward step (each thread multiplies its own samples' state rows by the recurrent
/// kernel, then runs their gates): the same bits at 1 and 2 threads, and within float tolerance of the reference
/// backend, then the backward pass over what that forward kept.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class RecurrentThreadingTests
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

    [Theory]
    [InlineData((int)RecurrentKind.Lstm, false, false)]
    [InlineData((int)RecurrentKind.Lstm, true, true)]
    [InlineData((int)RecurrentKind.Gru, false, true)]
    [InlineData((int)RecurrentKind.Gru, true, false)]
    [InlineData((int)RecurrentKind.SimpleRnn, false, false)]
    public void ForwardIsTheSameAtOneAndTwoThreadsAndMatchesTheReference(int kindIndex, bool masked, bool dropout)
    {
        var kind = (RecurrentKind)kindIndex;
        // 7 samples split 3 + 4 over two threads (an uneven split, both under the few-rows GEMM limit and not);
        // 19 units: SIMD widths and a scalar tail in the gate pass.
        int b = 7, t = 4, f = 5, h = 19;
        int gates = kind switch { RecurrentKind.Lstm => 4, RecurrentKind.Gru => 3, _ => 1 } * h;
        var x = Rand(b * t * f, 1);
        var kernel = Rand(f * gates, 2, -0.5f, 0.5f);
        var recurrent = Rand(h * gates, 3, -0.5f, 0.5f);
        var bias = Rand(kind == RecurrentKind.Gru ? 2 * gates : gates, 4, -0.2f, 0.2f);
        var h0 = Rand(b * h, 5);
        var c0 = kind == RecurrentKind.Lstm ? Rand(b * h, 6) : [];
        var mask = new float[masked ? b * t : 0];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = i % 5 == 1 ? 0f : 1f;
        }
        var dropMask = dropout ? Rand(b * f, 7, 0f, 2f) : [];
        var recDropMask = dropout ? Rand(b * h, 8, 0f, 2f) : [];
        var gSeq = Rand(b * t * h, 9);

        (float[] Seq, float[] HT, float[] CT, float[] DR) Run(IBackend backend)
        {
            var kern = backend.CreateRecurrent(kind, b, t, f, h, EpilogueActivation.Tanh, EpilogueActivation.Sigmoid, false, false, dropout, dropout);
            var seq = new float[b * t * h];
            var hT = new float[b * h];
            var cT = new float[c0.Length];
            kern.Forward(x, kernel, recurrent, bias, h0, c0, mask, dropMask, recDropMask, seq, new float[b * h], hT, cT);
            var dr = new float[recurrent.Length];
            kern.Backward(x, kernel, recurrent, true, h0, c0, mask, dropMask, recDropMask, gSeq, new float[b * h], new float[b * h], new float[c0.Length],
                new float[x.Length], new float[kernel.Length], dr, new float[bias.Length], new float[h0.Length], new float[c0.Length]);
            return (seq, hT, cT, dr);
        }

        var reference = Run(ReferenceBackend.Instance);
        int saved = Config.Threads;
        try
        {
            Config.Threads = 1;
            var one = Run(CpuBackend.Instance);
            Config.Threads = 2;
            (float[] Seq, float[] HT, float[] CT, float[] DR) two;
            using (CpuParallel.OverrideMinWorkPerChunk(1))
            {
                two = Run(CpuBackend.Instance);
            }
            Assert.Equal(one.Seq, two.Seq);
            Assert.Equal(one.HT, two.HT);
            Assert.Equal(one.CT, two.CT);
            Assert.Equal(one.DR, two.DR);
            Close(reference.Seq, one.Seq, $"{kind} sequences", 1e-4f, 1e-5f);
            Close(reference.HT, one.HT, $"{kind} h_T", 1e-4f, 1e-5f);
            Close(reference.CT, one.CT, $"{kind} c_T", 1e-4f, 1e-5f);
            Close(reference.DR, one.DR, $"{kind} drecurrent", 1e-3f, 1e-4f);
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    private static void Close(float[] expected, float[] actual, string what, float rtol, float atol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"{what} [{i}]: cpu {actual[i]}, reference {expected[i]} ({Gemm.Level})");
        }
    }
}
