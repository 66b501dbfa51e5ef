using SharpKeras.Tests.Backend;
using O = SharpKeras.Ops;

namespace SharpKeras.Tests.Operations;

/// <summary>
/// The keras.ops added for NumPy breadth, composed into one differentiable computation, give the same values and
/// gradients on the CPU and the reference backends. <see cref="Config.Backend"/> is process-wide, so this runs in the
/// collection that runs alone.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class OpsBackendParityTests
{
    private static (float[] Value, float[] Grad, int[] Order) Run(string backend)
    {
        string saved = Config.Backend;
        Config.Backend = backend;
        try
        {
            var x = GradCheck.Random(21, -2, 2, 4, 6, 5);
            using var tape = new GradientTape();
            tape.Watch(x);
            // A masked, padded, sorted and reduced pipeline touching every new kernel family.
            var masked = O.Where(O.Greater(x, Tensor.Scalar(-1.5f)), x, Tensor.Scalar(0f));
            var padded = O.Pad(masked, [(0, 0), (1, 2), (2, 0)], "reflect");
            var sliced = O.StridedSlice(padded, [null, -1, null], [null, null, null], [1, -2, 1]);
            var tiled = O.Tile(O.Repeat(sliced, 2, 2), [1, 1, 2]);
            var sorted = O.Sort(tiled, 1);
            var top = O.TopK(sorted, 3).Values;
            var special = O.Add(O.Erf(top), O.Log1p(O.Abs(top)));
            var reduced = O.Add(O.Sum(O.Max(special, [1], keepDims: true), [0, 2]), O.Prod(O.Expm1(O.Mean(special, [0, 2])), 0));
            var cumulative = O.Cumsum(O.Cumprod(O.Norm(special, axis: [1]), 1), 0);
            var taken = O.Take(cumulative, Tensor.FromArray(new[] { 3, 0, 3 }, 3), 0);
            var loss = O.Add(O.Sum(taken), O.Sum(reduced));
            var grad = tape.Gradient(loss, [x])[0]!;
            var order = O.Argsort(O.Argmin(x, 2), 1);
            return (loss.ToArray(), grad.ToArray(), order.ToInt32Array());
        }
        finally
        {
            Config.Backend = saved;
        }
    }

    [Fact]
    public void ValuesAndGradientsMatchAcrossBackends()
    {
        var cpu = Run("cpu");
        var reference = Run("reference");
        Assert.Equal(reference.Order, cpu.Order);
        Assert.True(Math.Abs(cpu.Value[0] - reference.Value[0]) <= 1e-4 * Math.Abs(reference.Value[0]), $"loss: cpu {cpu.Value[0]}, reference {reference.Value[0]}");
        Assert.Equal(reference.Grad.Length, cpu.Grad.Length);
        Assert.Contains(cpu.Grad, g => g != 0f);
        for (int i = 0; i < cpu.Grad.Length; i++)
        {
            Assert.True(Math.Abs(cpu.Grad[i] - reference.Grad[i]) <= 1e-4 + 1e-4 * Math.Abs(reference.Grad[i]), $"gradient [{i}]: cpu {cpu.Grad[i]}, reference {reference.Grad[i]}");
        }
    }
}
