using SharpKeras.Layers;
using SharpKeras.Tests.Operations;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// Batched MatMul, Einsum and MultiHeadAttention (values and gradients) give the same numbers on the CPU
/// kernels and on the reference backend's plain loops. Config.Backend is process-wide, so these run alone.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class LinalgBackendParityTests
{
    private static T OnBackend<T>(string backend, Func<T> run)
    {
        string saved = Config.Backend;
        Config.Backend = backend;
        try
        {
            return run();
        }
        finally
        {
            Config.Backend = saved;
        }
    }

    [Fact]
    public void BatchedMatMulAndEinsumAgree()
    {
        var a = GradCheck.Random(21, -1, 1, 2, 3, 7, 9);
        var b = GradCheck.Random(22, -1, 1, 2, 1, 9, 11);
        var w = GradCheck.Random(23, -1, 1, 2, 3, 7, 11);
        float[][] Run()
        {
            using var tape = new GradientTape();
            tape.Watch(a);
            tape.Watch(b);
            var z = SharpKeras.Ops.Einsum("bhqd,bxdk->bhqk", a, b);
            var z2 = SharpKeras.Ops.MatMul(a, b);
            var loss = SharpKeras.Ops.Add(SharpKeras.Ops.Sum(SharpKeras.Ops.Multiply(z, w)), SharpKeras.Ops.Sum(SharpKeras.Ops.Multiply(z2, w)));
            var g = tape.Gradient(loss, [a, b]);
            return [z.ToArray(), z2.ToArray(), g[0]!.ToArray(), g[1]!.ToArray()];
        }
        var cpu = OnBackend("cpu", Run);
        var reference = OnBackend("reference", Run);
        for (int i = 0; i < cpu.Length; i++)
        {
            LinalgOpsTests.AssertClose(reference[i], Tensor.FromArray(cpu[i], cpu[i].Length), 1e-5);
        }
    }

    [Fact]
    public void MultiHeadAttentionAgrees()
    {
        var q = GradCheck.Random(31, -1, 1, 2, 5, 8);
        var v = GradCheck.Random(32, -1, 1, 2, 7, 6);
        float[][] Run()
        {
            Config.SetRandomSeed(5);
            var mha = new MultiHeadAttention(3, 4, valueDim: 2);
            using var tape = new GradientTape();
            tape.Watch(q);
            tape.Watch(v);
            var y = mha.Apply(q, v, useCausalMask: true);
            var g = tape.Gradient(SharpKeras.Ops.Sum(SharpKeras.Ops.Square(y)), [q, v]);
            return [y.ToArray(), g[0]!.ToArray(), g[1]!.ToArray()];
        }
        var cpu = OnBackend("cpu", Run);
        var reference = OnBackend("reference", Run);
        for (int i = 0; i < cpu.Length; i++)
        {
            LinalgOpsTests.AssertClose(reference[i], Tensor.FromArray(cpu[i], cpu[i].Length), 1e-5);
        }
    }
}
