using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The activation kernel family on the CPU backend (SIMD, threaded for long spans) against the
/// reference backend (Keras's formulas in double, one value at a time): every activation kind
/// forward and backward, the GEMM epilogue gradients, sparsemax, and the GEMM with each new epilogue.
/// </summary>
public class ActivationParityTests
{
    private static readonly IBackend Cpu = CpuBackend.Instance;
    private static readonly IBackend Ref = ReferenceBackend.Instance;

    private static float[] Rand(int n, int seed, float lo, float hi)
    {
        var rng = new SeedGenerator(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = lo + (hi - lo) * rng.NextFloat();
        }
        return r;
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, float tol = 2e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            bool same = e == a || Math.Abs(e - a) <= tol + 4 * tol * Math.Abs(e);
            Assert.True(same, $"{what}: [{i}] cpu {a}, reference {e}");
        }
    }

    public static TheoryData<int, int> Kinds()
    {
        var data = new TheoryData<int, int>();
        foreach (var kind in Enum.GetValues<ActivationKind>())
        {
            // A ragged length (SIMD body and tail) and one long enough to split across threads.
            data.Add((int)kind, 1003);
            data.Add((int)kind, 70001);
        }
        return data;
    }

    private static (float A, float B, float C) Params(ActivationKind kind) => kind switch
    {
        ActivationKind.Relu => (0.15f, 3.5f, 0.4f),
        ActivationKind.Elu or ActivationKind.Celu => (0.7f, 0f, 0f),
        ActivationKind.HardShrink or ActivationKind.SoftShrink => (0.45f, 0f, 0f),
        ActivationKind.Squareplus => (3f, 0f, 0f),
        ActivationKind.Threshold => (0.3f, -0.25f, 0f),
        _ => (0f, 0f, 0f),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ActivationAndGradientMatchReference(int kindValue, int n)
    {
        var kind = (ActivationKind)kindValue;
        var (a, b, c) = Params(kind);
        var x = Rand(n, kindValue + 1, -7f, 7f);
        var g = Rand(n, kindValue + 100, -1f, 1f);
        var expected = new float[n];
        var actual = new float[n];
        Ref.Activation(kind, a, b, c, x, expected);
        Cpu.Activation(kind, a, b, c, x, actual);
        Close(expected, actual, $"{kind} forward n={n}");
        Ref.ActivationGrad(kind, a, b, c, x, g, expected);
        Cpu.ActivationGrad(kind, a, b, c, x, g, actual);
        Close(expected, actual, $"{kind} gradient n={n}");
        // In place, as the GEMM epilogue runs it.
        var inPlace = (float[])x.Clone();
        Cpu.Activation(kind, a, b, c, inPlace, inPlace);
        Cpu.Activation(kind, a, b, c, x, actual);
        Assert.Equal(actual, inPlace);
    }

    public static TheoryData<int> Epilogues() => [.. Enum.GetValues<EpilogueActivation>().Select(e => (int)e)];

    [Theory]
    [MemberData(nameof(Epilogues))]
    public void EpilogueGradientMatchesReference(int activation)
    {
        var act = (EpilogueActivation)activation;
        var z = Rand(1003, activation + 7, -5f, 5f);
        var g = Rand(1003, activation + 8, -1f, 1f);
        var y = new float[z.Length];
        Ref.MatMul(z, [1f], y, z.Length, 1, 1, false, false, false, default, act);
        var expected = new float[z.Length];
        var actual = new float[z.Length];
        Ref.EpilogueGrad(act, y, g, expected);
        Cpu.EpilogueGrad(act, y, g, actual);
        Close(expected, actual, $"{act} epilogue gradient", 1e-5f);
    }

    [Theory]
    [MemberData(nameof(Epilogues))]
    public void GemmAppliesEveryEpilogue(int activation)
    {
        var act = (EpilogueActivation)activation;
        int m = 37, n = 29, k = 45;
        var a = Rand(m * k, 1, -0.5f, 0.5f);
        var b = Rand(k * n, 2, -0.5f, 0.5f);
        var bias = Rand(n, 3, -1f, 1f);
        var expected = new float[m * n];
        var actual = new float[m * n];
        Ref.MatMul(a, b, expected, m, n, k, false, false, false, bias, act);
        Cpu.MatMul(a, b, actual, m, n, k, false, false, false, bias, act);
        Close(expected, actual, $"gemm with {act}", 1e-4f);
    }

    [Theory]
    [InlineData(3, 17, 1)]
    [InlineData(2, 5, 4)]
    [InlineData(1, 1, 1)]
    [InlineData(4, 64, 2)]
    public void SparsemaxAndGradientMatchReference(int outer, int len, int inner)
    {
        int n = outer * len * inner;
        // Keras's tau grows with the sum of running sums, so only logits of order 1 / len^2 keep a positive output.
        var x = Rand(n, len, -1f / (len * len), 1f / (len * len));
        var g = Rand(n, len + 1, -1f, 1f);
        var expected = new float[n];
        var actual = new float[n];
        Ref.Sparsemax(x, outer, len, inner, expected);
        Cpu.Sparsemax(x, outer, len, inner, actual);
        Close(expected, actual, "sparsemax", 1e-6f);
        Assert.Contains(actual, v => v > 0f);
        var ge = new float[n];
        var ga = new float[n];
        Ref.SparsemaxGrad(x, expected, g, outer, len, inner, ge);
        Cpu.SparsemaxGrad(x, actual, g, outer, len, inner, ga);
        Close(ge, ga, "sparsemax gradient", 1e-6f);
    }

    [Theory]
    [InlineData(3, 18, 1)]
    [InlineData(2, 4, 5)]
    [InlineData(5, 2, 19)]
    public void GluAndGradientMatchReference(int outer, int len, int inner)
    {
        int n = outer * len * inner;
        var x = Rand(n, len + inner, -4f, 4f);
        var g = Rand(n / 2, len + 3, -1f, 1f);
        var expected = new float[n / 2];
        var actual = new float[n / 2];
        Ref.Glu(x, outer, len, inner, expected);
        Cpu.Glu(x, outer, len, inner, actual);
        Close(expected, actual, "glu");
        var ge = new float[n];
        var ga = new float[n];
        Ref.GluGrad(x, g, outer, len, inner, ge);
        Cpu.GluGrad(x, g, outer, len, inner, ga);
        Close(ge, ga, "glu gradient");
    }
}
