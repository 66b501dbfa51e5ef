using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;
using SharpKeras.Constraints;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The constraint kernels (slice norms and slice rescale behind MaxNorm, MinMaxNorm and UnitNorm) run on
/// the CPU backend and the reference backend with the same inputs; rows are sized so the SIMD loops meet
/// their scalar tails, with the last axis both reduced and kept.
/// </summary>
public class ConstraintKernelParityTests
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

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f + 1e-5f * Math.Abs(expected[i]), $"{what}: [{i}] cpu {actual[i]}, reference {expected[i]}");
        }
    }

    public static TheoryData<int[], int[]> Cases() => new()
    {
        { [37], [0] },
        { [7, 33], [0] },
        { [7, 33], [1] },
        { [7, 33], [0, 1] },
        { [3, 3, 5, 19], [0, 1, 2] },
        { [3, 4, 5, 6], [1, 3] },
        { [2, 3, 17, 9], [-1] },
        { [4, 1, 70], [0, 1] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SliceNormsAndRescaleMatchTheReference(int[] dims, int[] axes)
    {
        int n = dims.Aggregate(1, (a, b) => a * b);
        var w = Rand(n, dims.Length * 31 + axes.Length);
        Span<int> stride = stackalloc int[dims.Length];
        int groups = AxisNorms.GroupStrides(dims, axes, stride, "test");
        var (cpuNorms, refNorms) = (new float[groups], new float[groups]);
        cpuNorms.AsSpan().Fill(float.NaN);
        Cpu.SliceSquaredNorms(w, dims, stride, cpuNorms);
        Ref.SliceSquaredNorms(w, dims, stride, refNorms);
        Close(refNorms, cpuNorms, $"norms {string.Join('x', dims)} over [{string.Join(',', axes)}]");
        // Every element lands in exactly one slice.
        Assert.Equal(w.Sum(x => (double)x * x), refNorms.Sum(x => (double)x), 3);
        var factors = Rand(groups, 7, 0.1f, 2f);
        var (cpuW, refW) = ((float[])w.Clone(), (float[])w.Clone());
        Cpu.ScaleSlices(cpuW, dims, stride, factors);
        Ref.ScaleSlices(refW, dims, stride, factors);
        Close(refW, cpuW, $"rescale {string.Join('x', dims)} over [{string.Join(',', axes)}]");
    }

    [Fact]
    public void MaxNormThroughTheKernelsMatchesKerasFormula()
    {
        // Keras: w * clip(norm, 0, max) / (epsilon + norm), norms over axes [0, 1, 2] of a (5, 3, 4, 9) weight.
        var values = Rand(5 * 3 * 4 * 9, 3, -2f, 2f);
        var w = Tensor.FromArray(values, 5, 3, 4, 9);
        var actual = new MaxNorm(1.5, [0, 1, 2]).Call(w).ToArray();
        var norms = new double[9];
        for (int i = 0; i < values.Length; i++)
        {
            norms[i % 9] += (double)values[i] * values[i];
        }
        for (int i = 0; i < values.Length; i++)
        {
            double norm = Math.Sqrt(norms[i % 9]);
            double expected = values[i] * Math.Min(norm, 1.5) / (AxisNorms.Epsilon + norm);
            Assert.True(Math.Abs(expected - actual[i]) <= 1e-5, $"[{i}] {actual[i]}, expected {expected}");
        }
        Assert.NotEqual(values, actual);
    }
}
