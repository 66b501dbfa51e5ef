using SharpKeras;

namespace SharpKeras.Tests;

/// <summary>Finite-difference gradient checking for ops and layers.</summary>
internal static class GradCheck
{
    /// <summary>A tensor of the given shape with values uniform in [lo, hi), fixed by the seed.</summary>
    public static Tensor Random(int seed, float lo, float hi, params int[] shape)
    {
        var rng = new SeedGenerator(seed);
        var s = new Shape(shape);
        var data = new float[s.Size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = lo + (hi - lo) * rng.NextFloat();
        }
        return Tensor.FromArray(data, shape);
    }

    /// <summary>
    /// Compares the tape's gradient of sum(f(inputs) * R) (R a fixed random weighting) with central
    /// differences, for every element of every input.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-2f, double rtol = 2e-2, double atol = 2e-3)
    {
        Tensor y0 = f(inputs);
        var weight = Random(1234, -1f, 1f, y0.Shape.ToArray());
        double Objective()
        {
            var y = f(inputs);
            var ys = y.ToArray();
            var ws = weight.ToArray();
            double s = 0;
            for (int i = 0; i < ys.Length; i++)
            {
                s += (double)ys[i] * ws[i];
            }
            return s;
        }

        Tensor?[] grads;
        using (var tape = new GradientTape())
        {
            foreach (var x in inputs)
            {
                tape.Watch(x);
            }
            var y = f(inputs);
            var loss = SharpKeras.Ops.Sum(SharpKeras.Ops.Multiply(y, weight));
            grads = tape.Gradient(loss, inputs);
        }

        for (int k = 0; k < inputs.Length; k++)
        {
            var g = grads[k] ?? throw new Xunit.Sdk.XunitException($"No gradient for input {k}.");
            Assert.Equal(inputs[k].Shape, g.Shape);
            var data = inputs[k].Span;
            var ga = g.ToArray();
            for (int i = 0; i < data.Length; i++)
            {
                float orig = data[i];
                data[i] = orig + eps;
                double plus = Objective();
                data[i] = orig - eps;
                double minus = Objective();
                data[i] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double diff = Math.Abs(numeric - ga[i]);
                if (diff > atol + rtol * Math.Abs(numeric))
                {
                    throw new Xunit.Sdk.XunitException($"Gradient mismatch for input {k} element {i}: analytic {ga[i]}, numeric {numeric}.");
                }
            }
        }
    }
}
