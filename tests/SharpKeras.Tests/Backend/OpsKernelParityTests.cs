using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The indexing, reduction and special-function kernels behind keras.ops (gather / scatter-add through index
/// maps, argsort, max / min / prod, argmax / argmin, cumulative sums and products, erf, log1p, expm1, abs) run on
/// the CPU backend and the reference backend with the same inputs; extents are sized so the SIMD loops meet
/// their scalar tails and the parallel splits have more than one chunk.
/// </summary>
public class OpsKernelParityTests
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

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, float atol = 1e-5f, float rtol = 1e-5f)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = (float.IsNaN(expected[i]) && float.IsNaN(actual[i])) || expected[i] == actual[i]
                || Math.Abs(expected[i] - actual[i]) <= atol + rtol * Math.Abs(expected[i]);
            Assert.True(same, $"{what}: [{i}] cpu {actual[i]}, reference {expected[i]}");
        }
    }

    [Theory]
    [InlineData(37)]
    [InlineData(70001)]
    public void GatherAndScatterAddMatchTheReference(int n)
    {
        var x = Rand(n, 1);
        // Runs of consecutive indices, padding (-1), repeats and reversed stretches, as slices, pads, tiles and flips make.
        var index = new int[n + 50];
        var rng = new SeedGenerator(2);
        for (int i = 0; i < index.Length; i++)
        {
            int kind = (i / 17) % 4;
            index[i] = kind switch
            {
                0 => i % n,
                1 => -1,
                2 => (i / 3) % n,
                _ => (n - 1 - i % n),
            };
        }
        index[5] = (int)(rng.NextFloat() * n);
        var (yc, yr) = (new float[index.Length], new float[index.Length]);
        Cpu.GatherIndexed(x, index, yc, 2.5f);
        Ref.GatherIndexed(x, index, yr, 2.5f);
        Close(yr, yc, "gather", 0, 0);
        var g = Rand(index.Length, 3);
        var (dc, dr) = (Rand(n, 4), Rand(n, 5));
        Cpu.ScatterAddIndexed(g, index, dc);
        Ref.ScatterAddIndexed(g, index, dr);
        Close(dr, dc, "scatter-add");
    }

    public static TheoryData<int, int, int> Extents() => new()
    {
        { 1, 37, 1 },
        { 5, 3, 19 },
        { 3, 1, 8 },
        { 130, 257, 1 },
        { 4, 9, 1000 },
        { 2, 0, 3 },
    };

    [Theory]
    [MemberData(nameof(Extents))]
    public void ReductionsMatchTheReference(int outer, int len, int inner)
    {
        var x = Rand(outer * len * inner, outer + len + inner, 0.5f, 1.5f);
        foreach (var kind in new[] { ReductionKind.Max, ReductionKind.Min, ReductionKind.Prod })
        {
            if (len == 0 && kind != ReductionKind.Prod)
            {
                continue;
            }
            var (yc, yr) = (new float[outer * inner], new float[outer * inner]);
            Cpu.ReduceAxis(kind, x, outer, len, inner, yc);
            Ref.ReduceAxis(kind, x, outer, len, inner, yr);
            Close(yr, yc, kind.ToString(), 1e-6f, len > 100 ? 1e-4f : 1e-5f);
        }
        if (len > 0)
        {
            foreach (bool max in new[] { true, false })
            {
                var (ic, ir) = (new int[outer * inner], new int[outer * inner]);
                Cpu.ArgReduceAxis(x, outer, len, inner, max, ic);
                Ref.ArgReduceAxis(x, outer, len, inner, max, ir);
                Assert.Equal(ir, ic);
            }
        }
        foreach (bool product in new[] { false, true })
        {
            foreach (bool reverse in new[] { false, true })
            {
                var (yc, yr) = (new float[x.Length], new float[x.Length]);
                Cpu.CumulativeAxis(x, outer, len, inner, product, reverse, yc);
                Ref.CumulativeAxis(x, outer, len, inner, product, reverse, yr);
                Close(yr, yc, $"cumulative product={product} reverse={reverse}", 1e-5f, 1e-4f);
            }
        }
    }

    [Fact]
    public void MaxAndMinPropagateNaNAndArgmaxFindsTheFirstNaNOnBothBackends()
    {
        foreach (var (outer, len, inner) in new[] { (2, 40, 1), (2, 5, 17) })
        {
            var x = Rand(outer * len * inner, 9);
            x[3 * inner] = float.NaN;
            x[7 * inner] = float.NaN;
            foreach (var b in new[] { Cpu, Ref })
            {
                var y = new float[outer * inner];
                b.ReduceAxis(ReductionKind.Max, x, outer, len, inner, y);
                Assert.True(float.IsNaN(y[0]), $"{b.Name}: max over a NaN");
                b.ReduceAxis(ReductionKind.Min, x, outer, len, inner, y);
                Assert.True(float.IsNaN(y[0]), $"{b.Name}: min over a NaN");
                var idx = new int[outer * inner];
                b.ArgReduceAxis(x, outer, len, inner, true, idx);
                Assert.Equal(3, idx[0]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Extents))]
    public void ArgsortMatchesTheReference(int outer, int len, int inner)
    {
        var x = Rand(outer * len * inner, 7 * len + inner);
        // Ties and NaN: the order among equals and NaN's place are part of the contract.
        for (int i = 0; i < x.Length; i += 5)
        {
            x[i] = 0.25f;
        }
        if (x.Length > 11)
        {
            x[11] = float.NaN;
        }
        foreach (bool descending in new[] { false, true })
        {
            var (ic, ir) = (new int[x.Length], new int[x.Length]);
            Cpu.ArgsortAxis(x, outer, len, inner, descending, ic);
            Ref.ArgsortAxis(x, outer, len, inner, descending, ir);
            Assert.Equal(ir, ic);
        }
    }

    [Theory]
    [InlineData((int)MathFunction.Erf)]
    [InlineData((int)MathFunction.Log1p)]
    [InlineData((int)MathFunction.Expm1)]
    [InlineData((int)MathFunction.Abs)]
    public void SpecialFunctionsMatchTheReference(int function)
    {
        var f = (MathFunction)function;
        int n = 40003;
        var x = Rand(n, (int)f + 11, -6f, 6f);
        if (f == MathFunction.Log1p)
        {
            for (int i = 0; i < n; i++)
            {
                x[i] = Math.Abs(x[i]) - 0.999f;
            }
        }
        // Values near zero, where log1p, expm1 and erf lose digits if computed naively.
        float[] small = [0f, 1e-8f, -1e-8f, 3e-6f, -2e-5f, 1e-3f, -0.49f, 0.51f];
        small.CopyTo(x, 0);
        var (yc, yr) = (new float[n], new float[n]);
        Cpu.Special(f, x, yc);
        Ref.Special(f, x, yr);
        Close(yr, yc, f.ToString(), f == MathFunction.Erf ? 4e-7f : 1e-7f, 2e-6f);
        var g = Rand(n, 5);
        var (dc, dr) = (new float[n], new float[n]);
        Cpu.SpecialGrad(f, x, yr, g, dc);
        Ref.SpecialGrad(f, x, yr, g, dr);
        Close(dr, dc, f + " gradient", 1e-6f, 1e-5f);
    }
}
