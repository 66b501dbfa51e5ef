using SharpKeras.Optimizers;

namespace SharpKeras.Tests.Optimizers;

/// <summary>Each update rule against values worked out by hand from Keras 3's formulas.</summary>
public class OptimizerTests
{
    private static (Variable W, float[] After1, float[] After2) TwoSteps(Optimizer opt, float[] w0, float[] g1, float[] g2)
    {
        var w = new Variable("w", Tensor.FromArray(w0));
        opt.ApplyGradients([Tensor.FromArray(g1)], [w]);
        var a1 = w.Value.ToArray();
        opt.ApplyGradients([Tensor.FromArray(g2)], [w]);
        return (w, a1, w.Value.ToArray());
    }

    [Fact]
    public void SgdPlain()
    {
        var (_, a1, a2) = TwoSteps(new SGD(0.1), [1f, -2f], [0.5f, 1f], [1f, -1f]);
        Assert.Equal(new[] { 0.95f, -2.1f }, a1, new FloatComparer(1e-6f));
        Assert.Equal(new[] { 0.85f, -2.0f }, a2, new FloatComparer(1e-6f));
    }

    [Fact]
    public void SgdMomentum()
    {
        // m1 = -lr g1 = -0.05; w1 = 0.95. m2 = 0.9 * -0.05 - 0.1 * 1 = -0.145; w2 = 0.805.
        var (_, a1, a2) = TwoSteps(new SGD(0.1, momentum: 0.9), [1f], [0.5f], [1f]);
        Assert.Equal(0.95f, a1[0], 6);
        Assert.Equal(0.805f, a2[0], 6);
    }

    [Fact]
    public void SgdNesterov()
    {
        // m1 = -0.05; w1 = 1 + 0.9 * -0.05 - 0.05 = 0.905. m2 = -0.145; w2 = 0.905 + 0.9 * -0.145 - 0.1 = 0.6745.
        var (_, a1, a2) = TwoSteps(new SGD(0.1, momentum: 0.9, nesterov: true), [1f], [0.5f], [1f]);
        Assert.Equal(0.905f, a1[0], 6);
        Assert.Equal(0.6745f, a2[0], 6);
    }

    [Fact]
    public void RmsProp()
    {
        // v1 = 0.1 * 0.25 = 0.025; w1 = 1 - 0.01 * 0.5 / sqrt(0.025 + 1e-7).
        // v2 = 0.9 * 0.025 + 0.1 * 1 = 0.1225; w2 = w1 - 0.01 * 1 / sqrt(0.1225 + 1e-7).
        var (_, a1, a2) = TwoSteps(new RMSprop(0.01), [1f], [0.5f], [1f]);
        double w1 = 1 - 0.01 * 0.5 / Math.Sqrt(0.025 + 1e-7);
        double w2 = w1 - 0.01 / Math.Sqrt(0.1225 + 1e-7);
        Assert.Equal(w1, a1[0], 5);
        Assert.Equal(w2, a2[0], 5);
    }

    [Fact]
    public void RmsPropWithMomentum()
    {
        var (_, a1, a2) = TwoSteps(new RMSprop(0.01, momentum: 0.5), [1f], [0.5f], [1f]);
        double inc1 = 0.01 * 0.5 / Math.Sqrt(0.025 + 1e-7);
        double inc2 = 0.01 / Math.Sqrt(0.1225 + 1e-7);
        Assert.Equal(1 - inc1, a1[0], 5);
        Assert.Equal(1 - inc1 - (0.5 * inc1 + inc2), a2[0], 5);
    }

    [Fact]
    public void Adam()
    {
        // Keras 3: alpha = lr sqrt(1 - b2^t) / (1 - b1^t); m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
        // w -= m alpha / (sqrt(v) + eps).
        var (_, a1, a2) = TwoSteps(new Adam(0.001), [1f], [0.5f], [-1f]);
        double m1 = 0.05, v1 = 0.00025;
        double alpha1 = 0.001 * Math.Sqrt(1 - 0.999) / (1 - 0.9);
        double w1 = 1 - m1 * alpha1 / (Math.Sqrt(v1) + 1e-7);
        double m2 = m1 + (-1 - m1) * 0.1, v2 = v1 + (1 - v1) * 0.001;
        double alpha2 = 0.001 * Math.Sqrt(1 - 0.999 * 0.999) / (1 - 0.81);
        double w2 = w1 - m2 * alpha2 / (Math.Sqrt(v2) + 1e-7);
        Assert.Equal(w1, a1[0], 6);
        Assert.Equal(w2, a2[0], 6);
    }

    [Fact]
    public void KerasDefaultsAndIdentifiers()
    {
        var adam = Assert.IsType<Adam>(Optimizer.Get("adam"));
        Assert.Equal((0.001, 0.9, 0.999, 1e-7), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon));
        var rms = Assert.IsType<RMSprop>(Optimizer.Get("rmsprop"));
        Assert.Equal((0.001, 0.9, 1e-7), (rms.LearningRate, rms.Rho, rms.Epsilon));
        var sgd = Assert.IsType<SGD>(Optimizer.Get("SGD"));
        Assert.Equal((0.01, 0.0, false), (sgd.LearningRate, sgd.Momentum, sgd.Nesterov));
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Get("adamw2"));
        Assert.Contains("rmsprop", e.Message);
    }

    [Fact]
    public void CountsKerasOptimizerParams()
    {
        var adam = new Adam();
        var w = new Variable("w", Tensor.Zeros(new Shape(3, 4)));
        adam.ApplyGradients([Tensor.Zeros(new Shape(3, 4))], [w]);
        Assert.Equal(2 + 2 * 12, adam.CountParams());
        Assert.Equal(1, adam.Iterations);
    }

    private sealed class FloatComparer(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tol;
        public int GetHashCode(float obj) => 0;
    }
}
