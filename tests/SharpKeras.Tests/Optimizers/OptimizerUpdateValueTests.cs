using SharpKeras.Optimizers;

namespace SharpKeras.Tests.Optimizers;

/// <summary>
/// Each update rule on a variable of 37 weights, long enough for the SIMD loops (8 or 16 floats a
/// vector) and a scalar tail, over three steps, against Keras 3's formulas evaluated per weight in
/// double. Gradients shrink sharply after the first step on some weights, so AMSGrad's maximum and
/// centered RMSprop's mean gradient change the result there.
/// </summary>
public class OptimizerUpdateValueTests
{
    private const int N = 37;
    private const int Steps = 3;

    private static float W0(int i) => 0.5f - 0.03f * i;

    /// <summary>Gradient of weight i at step t (1-based): large first, then 100 times smaller on every third weight.</summary>
    private static float G(int t, int i)
    {
        float g = (float)Math.Sin(0.7 * i + t) + 0.1f * t;
        return t > 1 && i % 3 == 0 ? g * 0.01f : g;
    }

    private static float[] Run(Optimizer opt)
    {
        var w = new Variable("w", Tensor.FromArray(Enumerable.Range(0, N).Select(W0).ToArray()));
        for (int t = 1; t <= Steps; t++)
        {
            int step = t;
            opt.ApplyGradients([Tensor.FromArray(Enumerable.Range(0, N).Select(i => G(step, i)).ToArray())], [w]);
        }
        return w.Value.ToArray();
    }

    /// <summary>Runs <paramref name="update"/> (weight, gradient, step, per-weight state) for every weight and step in double.</summary>
    private static double[] Expected(int stateCount, Func<double, double, int, double[], double> update)
    {
        var result = new double[N];
        for (int i = 0; i < N; i++)
        {
            double w = W0(i);
            var state = new double[stateCount];
            for (int t = 1; t <= Steps; t++)
            {
                w = update(w, G(t, i), t, state);
            }
            result[i] = w;
        }
        return result;
    }

    private static void Matches(double[] expected, float[] actual, string what)
    {
        for (int i = 0; i < N; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5 * Math.Max(1, Math.Abs(expected[i])),
                $"{what}: weight {i} is {actual[i]}, Keras's formula gives {expected[i]}");
        }
    }

    [Fact]
    public void SgdNesterovMomentum()
    {
        const double lr = 0.1, mu = 0.9;
        var expected = Expected(1, (w, g, t, s) =>
        {
            s[0] = mu * s[0] - lr * g;
            return w + mu * s[0] - lr * g;
        });
        Matches(expected, Run(new SGD(lr, momentum: mu, nesterov: true)), "SGD nesterov");
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(true, 0.5)]
    public void RmsProp(bool centered, double momentum)
    {
        const double lr = 0.01, rho = 0.9, eps = 1e-7;
        // state: velocity, average gradient, momentum.
        var expected = Expected(3, (w, g, t, s) =>
        {
            s[0] = rho * s[0] + (1 - rho) * g * g;
            double denominator = s[0] + eps;
            if (centered)
            {
                s[1] = rho * s[1] + (1 - rho) * g;
                denominator = s[0] - s[1] * s[1] + eps;
            }
            double increment = lr * g / Math.Sqrt(denominator);
            if (momentum > 0)
            {
                s[2] = momentum * s[2] + increment;
                return w - s[2];
            }
            return w - increment;
        });
        var actual = Run(new RMSprop(lr, momentum: momentum, centered: centered));
        Matches(expected, actual, $"RMSprop centered={centered} momentum={momentum}");
        if (centered)
        {
            // The centered form must differ from the plain one somewhere, or this test would not see it.
            var plain = Run(new RMSprop(lr, momentum: momentum));
            Assert.Contains(Enumerable.Range(0, N), i => Math.Abs(plain[i] - actual[i]) > 1e-4);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AdamAndAmsgrad(bool amsgrad)
    {
        // beta_2 = 0.5 lets v fall well below its maximum once the gradients shrink, so AMSGrad's maximum shows.
        const double lr = 0.01, b1 = 0.9, b2 = 0.5, eps = 1e-7;
        // state: m, v, v_hat.
        var expected = Expected(3, (w, g, t, s) =>
        {
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            s[0] += (g - s[0]) * (1 - b1);
            s[1] += (g * g - s[1]) * (1 - b2);
            double v = s[1];
            if (amsgrad)
            {
                s[2] = Math.Max(s[2], s[1]);
                v = s[2];
            }
            return w - s[0] * alpha / (Math.Sqrt(v) + eps);
        });
        var actual = Run(new Adam(lr, beta2: b2, amsgrad: amsgrad));
        Matches(expected, actual, $"Adam amsgrad={amsgrad}");
        if (amsgrad)
        {
            var adam = Run(new Adam(lr, beta2: b2));
            Assert.Contains(Enumerable.Range(0, N), i => Math.Abs(adam[i] - actual[i]) > 1e-4);
        }
    }

    [Fact]
    public void Adadelta()
    {
        const double lr = 1.0, rho = 0.95, eps = 1e-7;
        // state: accumulated squared gradient, accumulated squared update.
        var expected = Expected(2, (w, g, t, s) =>
        {
            s[0] = rho * s[0] + (1 - rho) * g * g;
            double delta = -Math.Sqrt(s[1] + eps) * g / Math.Sqrt(s[0] + eps);
            s[1] = rho * s[1] + (1 - rho) * delta * delta;
            return w + lr * delta;
        });
        Matches(expected, Run(new Adadelta(lr)), "Adadelta");
    }
}
