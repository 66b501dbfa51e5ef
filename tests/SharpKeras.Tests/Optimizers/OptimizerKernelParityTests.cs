using System.Numerics;
using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Optimizers;

/// <summary>
/// The CPU optimizer kernels against the scalar reference, bit for bit. Lengths from 1 to several SIMD
/// widths put every element once in the vector loop and once in the scalar tail; as each element's
/// result equals the scalar one either way, the update is the same for any SIMD width.
/// </summary>
public class OptimizerKernelParityTests
{
    private static readonly IBackend Cpu = CpuBackend.Instance;
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

    public static TheoryData<int> Lengths()
    {
        int w = Vector<float>.Count;
        return [1, w - 1 > 0 ? w - 1 : 2, w, w + 1, 2 * w + 3, 67, 1000];
    }

    private static void Exact(int n, string what, int slots, Action<IBackend, float[], float[], float[][]> step, float slotInit = 0f, bool signedGrad = true)
    {
        var w0 = Rand(n, 103);
        (float[] W, float[][] S) Run(IBackend k)
        {
            var w = (float[])w0.Clone();
            var s = Enumerable.Range(0, slots).Select(i => Enumerable.Repeat(i == 0 ? slotInit : 0f, n).ToArray()).ToArray();
            for (int t = 0; t < 4; t++)
            {
                var g = Rand(n, 100 + t, signedGrad ? -1f : 0f);
                if (t == 3)
                {
                    // Zeros exercise sign(0), max(.., 0) and the clipping edges.
                    Array.Clear(g, 0, Math.Min(2, n));
                }
                step(k, g, w, s);
            }
            return (w, s);
        }
        var (we, se) = Run(Ref);
        var (wc, sc) = Run(Cpu);
        Assert.True(we.AsSpan().SequenceEqual(wc), $"{what} (n={n}): weights differ between the CPU and reference kernels");
        for (int i = 0; i < slots; i++)
        {
            Assert.True(se[i].AsSpan().SequenceEqual(sc[i]), $"{what} (n={n}): slot {i} differs");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void UpdatesAreBitIdentical(int n)
    {
        Exact(n, "sgd", 0, (k, g, w, s) => k.SgdUpdate(g, w, default, 0.1f, 0f, false));
        Exact(n, "sgd nesterov", 1, (k, g, w, s) => k.SgdUpdate(g, w, s[0], 0.1f, 0.9f, true));
        Exact(n, "rmsprop", 1, (k, g, w, s) => k.RmsPropUpdate(g, w, s[0], default, default, 0.01f, 0.9f, 0.1f, 1e-7f, 0f));
        Exact(n, "adam", 2, (k, g, w, s) => k.AdamUpdate(g, w, s[0], s[1], default, 0.01f, 0.1f, 0.001f, 1e-7f));
        Exact(n, "amsgrad", 3, (k, g, w, s) => k.AdamUpdate(g, w, s[0], s[1], s[2], 0.01f, 0.1f, 0.001f, 1e-7f));
        Exact(n, "adadelta", 2, (k, g, w, s) => k.AdadeltaUpdate(g, w, s[0], s[1], 1f, 0.95f, 0.05f, 1e-7f));
        Exact(n, "adagrad", 1, (k, g, w, s) => k.AdagradUpdate(g, w, s[0], 0.1f, 1e-7f), slotInit: 0.1f);
        Exact(n, "adamax", 2, (k, g, w, s) => k.AdamaxUpdate(g, w, s[0], s[1], 0.02f, 0.9f, 0.1f, 0.999f, 1e-7f, 0.271f));
        Exact(n, "nadam", 2, (k, g, w, s) => k.NadamUpdate(g, w, s[0], s[1], 0.01f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-7f, 0.46f, 0.79f, 0.54f, 0.56f, 0.002f));
        Exact(n, "lion", 1, (k, g, w, s) => k.LionUpdate(g, w, s[0], 0.003f, 0.9f, 0.1f, 0.99f, 0.01f));
        Exact(n, "ftrl sqrt", 2, (k, g, w, s) => k.FtrlUpdate(g, w, s[0], s[1], 0.1f, 0.5f, 0.01f, 0.02f, 0.01f), slotInit: 0.1f);
        Exact(n, "ftrl power", 2, (k, g, w, s) => k.FtrlUpdate(g, w, s[0], s[1], 0.1f, 0.7f, 0.01f, 0.02f, 0f), slotInit: 0.1f);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void GradientTransformsAreBitIdentical(int n)
    {
        var g = Rand(n, 7, -3f, 3f);
        void Same(string what, Action<IBackend, float[], float[]> op)
        {
            var (de, dc) = (Rand(n, 8), Rand(n, 8));
            var (ae, ac) = (Rand(n, 9), Rand(n, 9));
            op(Ref, de, ae);
            op(Cpu, dc, ac);
            Assert.True(de.AsSpan().SequenceEqual(dc) && ae.AsSpan().SequenceEqual(ac), $"{what} (n={n}) differs between the CPU and reference kernels");
        }
        Same("scale", (k, d, _) => k.ScaleGradient(g, d, 0.7f, 1.3f));
        Same("clip", (k, d, _) => k.ClipGradient(g, d, 0.5f));
        Same("take accumulated", (k, d, a) => k.TakeAccumulatedGradient(g, a, d, 3f));
        Same("accumulate", (k, _, a) => k.AccumulateGradient(g, a));
        Same("decay", (k, d, _) => k.DecayWeights(d, 0.999f));
        Same("moving average", (k, _, a) => k.MovingAverage(g, a, 0.99f, 1f - 0.99f));
        Assert.Equal(Ref.SumOfSquares(g), Cpu.SumOfSquares(g));
        Assert.Equal(g.Sum(x => (double)x * x), Cpu.SumOfSquares(g), 9);
    }

    [Fact]
    public void TransformsComputeKerasValues()
    {
        float[] g = [3f, -4f, 0.25f];
        var d = new float[3];
        Cpu.ClipGradient(g, d, 1f);
        Assert.Equal(new[] { 1f, -1f, 0.25f }, d);
        var acc = new float[] { 1f, 1f, 1f };
        Cpu.TakeAccumulatedGradient(g, acc, d, 2f);
        Assert.Equal(new[] { 2f, -1.5f, 0.625f }, d);
        Assert.Equal(new[] { 0f, 0f, 0f }, acc);
        var avg = new float[] { 2f, 2f, 2f };
        Cpu.MovingAverage(g, avg, 0.5f, 0.5f);
        Assert.Equal(new[] { 2.5f, -1f, 1.125f }, avg);
    }
}
