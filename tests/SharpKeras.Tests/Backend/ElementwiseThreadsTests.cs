using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// Element-wise kernels split across threads give every element the bits it gets on one thread: their vector and
/// scalar forms of exp, tanh and the special functions round differently, so chunks must end on whole vectors.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ElementwiseThreadsTests
{
    private static void AssertSameAtOneAndTwoThreads(string what, float[] x, Action<float[], float[]> kernel)
    {
        int saved = Config.Threads;
        using var lowThreshold = CpuParallel.OverrideMinWorkPerChunk(1);
        try
        {
            var results = new float[2][];
            foreach (int threads in new[] { 1, 2 })
            {
                Config.Threads = threads;
                results[threads - 1] = new float[x.Length];
                kernel(x, results[threads - 1]);
            }
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(results[0][i]) == BitConverter.SingleToInt32Bits(results[1][i]),
                    $"{what}, length {x.Length}: element {i} is {results[1][i]:R} at 2 threads, {results[0][i]:R} at 1");
            }
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    [Theory]
    [InlineData(61)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void EpilogueActivationsDoNotDependOnTheThreadCount(int length)
    {
        var x = TestArrays.Uniform(length, 21).Select(v => 8 * v - 4).ToArray();
        AssertSameAtOneAndTwoThreads("sigmoid", x, (a, y) => Elementwise.Unary<SigmoidOp>(a, y));
        AssertSameAtOneAndTwoThreads("tanh", x, (a, y) => Elementwise.Unary<TanhOp>(a, y));
        foreach (var act in Enum.GetValues<EpilogueActivation>())
        {
            AssertSameAtOneAndTwoThreads(act.ToString(), x, (a, y) => { a.CopyTo(y, 0); ActivationKernels.Epilogue(act, y); });
        }
        foreach (var f in Enum.GetValues<MathFunction>())
        {
            AssertSameAtOneAndTwoThreads(f.ToString(), x.Select(Math.Abs).ToArray(), (a, y) => CpuBackend.Instance.Special(f, a, y));
        }
    }
}
