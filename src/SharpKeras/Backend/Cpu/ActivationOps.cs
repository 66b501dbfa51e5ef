using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>An element-wise activation in SIMD form: its value and its input gradient, with its parameters held in the struct.</summary>
internal interface IActivationOp
{
    /// <summary>f(x).</summary>
    Vector<float> F(Vector<float> x);

    /// <summary>f'(x) g.</summary>
    Vector<float> G(Vector<float> x, Vector<float> g);
}

/// <summary>SIMD building blocks of the activations (exp-based tanh, sigmoid and softplus, an erf good to 1.5e-7).</summary>
internal static class VMath
{
    public static Vector<float> C(float v) => new(v);

    public static Vector<float> Sel(Vector<int> mask, Vector<float> a, Vector<float> b) => Vector.ConditionalSelect(mask, a, b);

    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Vector.Exp(-x));

    // 1 - 2 / (exp(2x) + 1) saturates to +-1 without NaN at both ends (exp overflows to inf, or goes to 0).
    public static Vector<float> Tanh(Vector<float> x) => Vector<float>.One - C(2f) / (Vector.Exp(x + x) + Vector<float>.One);

    // max(x, 0) + log(1 + exp(-|x|)) never overflows; the log term is below float resolution past |x| = 17.
    public static Vector<float> Softplus(Vector<float> x) => Vector.Max(x, Vector<float>.Zero) + Vector.Log(Vector<float>.One + Vector.Exp(-Vector.Abs(x)));

    /// <summary>erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).</summary>
    public static Vector<float> Erf(Vector<float> x)
    {
        var ax = Vector.Abs(x);
        var t = Vector<float>.One / (Vector<float>.One + C(0.3275911f) * ax);
        var p = C(1.061405429f);
        p = p * t + C(-1.453152027f);
        p = p * t + C(1.421413741f);
        p = p * t + C(-0.284496736f);
        p = p * t + C(0.254829592f);
        p *= t;
        var y = Vector<float>.One - p * Vector.Exp(-ax * ax);
        return Sel(Vector.LessThan(x, Vector<float>.Zero), -y, y);
    }
}

internal readonly struct ReluAct(float slope, float max, float threshold) : IActivationOp
{
    public Vector<float> F(Vector<float> x)
    {
        var thr = VMath.C(threshold);
        var pos = Vector.Min(VMath.Sel(Vector.GreaterThan(x, thr), x, Vector<float>.Zero), VMath.C(max));
        return slope == 0f ? pos : pos - VMath.C(slope) * Vector.Max(thr - x, Vector<float>.Zero);
    }

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var thr = VMath.C(threshold);
        var pass = Vector.BitwiseAnd(Vector.GreaterThan(x, thr), Vector.LessThan(x, VMath.C(max)));
        var d = VMath.Sel(pass, g, Vector<float>.Zero);
        return slope == 0f ? d : d + VMath.Sel(Vector.LessThan(x, thr), VMath.C(slope) * g, Vector<float>.Zero);
    }
}

internal readonly struct EluAct(float alpha) : IActivationOp
{
    public Vector<float> F(Vector<float> x) =>
        VMath.Sel(Vector.GreaterThan(x, Vector<float>.Zero), x, VMath.C(alpha) * (Vector.Exp(Vector.Min(x, Vector<float>.Zero)) - Vector<float>.One));

    public Vector<float> G(Vector<float> x, Vector<float> g) =>
        VMath.Sel(Vector.GreaterThan(x, Vector<float>.Zero), g, g * VMath.C(alpha) * Vector.Exp(Vector.Min(x, Vector<float>.Zero)));
}

internal readonly struct SeluAct : IActivationOp
{
    private static readonly EluAct s_elu = new(EpilogueActivations.SeluAlpha);

    public Vector<float> F(Vector<float> x) => VMath.C(EpilogueActivations.SeluScale) * s_elu.F(x);

    public Vector<float> G(Vector<float> x, Vector<float> g) => s_elu.G(x, g * VMath.C(EpilogueActivations.SeluScale));
}

internal readonly struct CeluAct(float alpha) : IActivationOp
{
    public Vector<float> F(Vector<float> x) =>
        VMath.Sel(Vector.GreaterThan(x, Vector<float>.Zero), x, VMath.C(alpha) * (Vector.Exp(Vector.Min(x, Vector<float>.Zero) / VMath.C(alpha)) - Vector<float>.One));

    public Vector<float> G(Vector<float> x, Vector<float> g) =>
        VMath.Sel(Vector.GreaterThan(x, Vector<float>.Zero), g, g * Vector.Exp(Vector.Min(x, Vector<float>.Zero) / VMath.C(alpha)));
}

internal readonly struct GeluAct : IActivationOp
{
    private const float InvSqrt2 = 0.70710678118654752f, InvSqrt2Pi = 0.39894228040143268f;

    public Vector<float> F(Vector<float> x) => VMath.C(0.5f) * x * (Vector<float>.One + VMath.Erf(x * VMath.C(InvSqrt2)));

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var cdf = VMath.C(0.5f) * (Vector<float>.One + VMath.Erf(x * VMath.C(InvSqrt2)));
        var pdf = VMath.C(InvSqrt2Pi) * Vector.Exp(VMath.C(-0.5f) * x * x);
        return g * (cdf + x * pdf);
    }
}

internal readonly struct GeluApproxAct : IActivationOp
{
    private const float K0 = 0.79788456080286536f, K1 = 0.044715f;

    public Vector<float> F(Vector<float> x) => VMath.C(0.5f) * x * (Vector<float>.One + VMath.Tanh(VMath.C(K0) * (x + VMath.C(K1) * x * x * x)));

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var t = VMath.Tanh(VMath.C(K0) * (x + VMath.C(K1) * x * x * x));
        var inner = VMath.C(K0) * (Vector<float>.One + VMath.C(3f * K1) * x * x);
        return g * VMath.C(0.5f) * (Vector<float>.One + t + x * (Vector<float>.One - t * t) * inner);
    }
}

internal readonly struct SiluAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => x * VMath.Sigmoid(x);

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var s = VMath.Sigmoid(x);
        return g * s * (Vector<float>.One + x * (Vector<float>.One - s));
    }
}

internal readonly struct SoftplusAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => VMath.Softplus(x);

    public Vector<float> G(Vector<float> x, Vector<float> g) => g * VMath.Sigmoid(x);
}

internal readonly struct SoftsignAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => x / (Vector<float>.One + Vector.Abs(x));

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var d = Vector<float>.One + Vector.Abs(x);
        return g / (d * d);
    }
}

internal readonly struct HardSigmoidAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => Vector.Min(Vector.Max(x / VMath.C(6f) + VMath.C(0.5f), Vector<float>.Zero), Vector<float>.One);

    public Vector<float> G(Vector<float> x, Vector<float> g) =>
        VMath.Sel(Vector.BitwiseAnd(Vector.GreaterThan(x, VMath.C(-3f)), Vector.LessThan(x, VMath.C(3f))), g / VMath.C(6f), Vector<float>.Zero);
}

internal readonly struct HardSiluAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => x * default(HardSigmoidAct).F(x);

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var mid = g * (x + x + VMath.C(3f)) / VMath.C(6f);
        return VMath.Sel(Vector.LessThan(x, VMath.C(-3f)), Vector<float>.Zero, VMath.Sel(Vector.GreaterThan(x, VMath.C(3f)), g, mid));
    }
}

internal readonly struct MishAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => x * VMath.Tanh(VMath.Softplus(x));

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var t = VMath.Tanh(VMath.Softplus(x));
        return g * (t + x * (Vector<float>.One - t * t) * VMath.Sigmoid(x));
    }
}

internal readonly struct LogSigmoidAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => -VMath.Softplus(-x);

    public Vector<float> G(Vector<float> x, Vector<float> g) => g * VMath.Sigmoid(-x);
}

internal readonly struct TanhShrinkAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => x - VMath.Tanh(x);

    public Vector<float> G(Vector<float> x, Vector<float> g)
    {
        var t = VMath.Tanh(x);
        return g * t * t;
    }
}

internal readonly struct HardTanhAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => Vector.Min(Vector.Max(x, -Vector<float>.One), Vector<float>.One);

    public Vector<float> G(Vector<float> x, Vector<float> g) =>
        VMath.Sel(Vector.BitwiseAnd(Vector.GreaterThan(x, -Vector<float>.One), Vector.LessThan(x, Vector<float>.One)), g, Vector<float>.Zero);
}

internal readonly struct HardShrinkAct(float threshold) : IActivationOp
{
    public Vector<float> F(Vector<float> x) => VMath.Sel(Vector.GreaterThan(Vector.Abs(x), VMath.C(threshold)), x, Vector<float>.Zero);

    public Vector<float> G(Vector<float> x, Vector<float> g) => VMath.Sel(Vector.GreaterThan(Vector.Abs(x), VMath.C(threshold)), g, Vector<float>.Zero);
}

internal readonly struct SoftShrinkAct(float threshold) : IActivationOp
{
    public Vector<float> F(Vector<float> x)
    {
        var t = VMath.C(threshold);
        return VMath.Sel(Vector.GreaterThan(x, t), x - t, VMath.Sel(Vector.LessThan(x, -t), x + t, Vector<float>.Zero));
    }

    public Vector<float> G(Vector<float> x, Vector<float> g) => VMath.Sel(Vector.GreaterThan(Vector.Abs(x), VMath.C(threshold)), g, Vector<float>.Zero);
}

internal readonly struct SquareplusAct(float b) : IActivationOp
{
    public Vector<float> F(Vector<float> x) => (x + Vector.SquareRoot(x * x + VMath.C(b))) * VMath.C(0.5f);

    public Vector<float> G(Vector<float> x, Vector<float> g) => g * VMath.C(0.5f) * (Vector<float>.One + x / Vector.SquareRoot(x * x + VMath.C(b)));
}

internal readonly struct SparsePlusAct : IActivationOp
{
    public Vector<float> F(Vector<float> x)
    {
        var u = x + Vector<float>.One;
        return VMath.Sel(Vector.LessThanOrEqual(x, -Vector<float>.One), Vector<float>.Zero,
            VMath.Sel(Vector.GreaterThanOrEqual(x, Vector<float>.One), x, VMath.C(0.25f) * u * u));
    }

    public Vector<float> G(Vector<float> x, Vector<float> g) =>
        VMath.Sel(Vector.LessThanOrEqual(x, -Vector<float>.One), Vector<float>.Zero,
            VMath.Sel(Vector.GreaterThanOrEqual(x, Vector<float>.One), g, g * VMath.C(0.5f) * (x + Vector<float>.One)));
}

internal readonly struct SparseSigmoidAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) =>
        VMath.Sel(Vector.LessThanOrEqual(x, -Vector<float>.One), Vector<float>.Zero,
            VMath.Sel(Vector.GreaterThanOrEqual(x, Vector<float>.One), Vector<float>.One, VMath.C(0.5f) * (x + Vector<float>.One)));

    public Vector<float> G(Vector<float> x, Vector<float> g) =>
        VMath.Sel(Vector.BitwiseAnd(Vector.GreaterThan(x, -Vector<float>.One), Vector.LessThan(x, Vector<float>.One)), g * VMath.C(0.5f), Vector<float>.Zero);
}

internal readonly struct ThresholdAct(float threshold, float value) : IActivationOp
{
    public Vector<float> F(Vector<float> x) => VMath.Sel(Vector.GreaterThan(x, VMath.C(threshold)), x, VMath.C(value));

    public Vector<float> G(Vector<float> x, Vector<float> g) => VMath.Sel(Vector.GreaterThan(x, VMath.C(threshold)), g, Vector<float>.Zero);
}

internal readonly struct ExponentialAct : IActivationOp
{
    public Vector<float> F(Vector<float> x) => Vector.Exp(x);

    public Vector<float> G(Vector<float> x, Vector<float> g) => g * Vector.Exp(x);
}

/// <summary>The epilogue gradient dz = f'(z) g from the output y, in SIMD form.</summary>
internal readonly struct EpilogueGradAct(EpilogueActivation activation) : IActivationOp
{
    public Vector<float> F(Vector<float> x) => x;

    public Vector<float> G(Vector<float> y, Vector<float> g)
    {
        var zero = Vector<float>.Zero;
        var one = Vector<float>.One;
        return activation switch
        {
            EpilogueActivation.Relu => VMath.Sel(Vector.GreaterThan(y, zero), g, zero),
            EpilogueActivation.Sigmoid => g * y * (one - y),
            EpilogueActivation.Tanh => g * (one - y * y),
            EpilogueActivation.Relu6 => VMath.Sel(Vector.BitwiseAnd(Vector.GreaterThan(y, zero), Vector.LessThan(y, VMath.C(6f))), g, zero),
            EpilogueActivation.LeakyRelu => VMath.Sel(Vector.GreaterThan(y, zero), g, g * VMath.C(0.2f)),
            EpilogueActivation.Elu or EpilogueActivation.Celu => VMath.Sel(Vector.GreaterThan(y, zero), g, g * (y + one)),
            EpilogueActivation.Selu => VMath.Sel(Vector.GreaterThan(y, zero), g * VMath.C(EpilogueActivations.SeluScale),
                g * (y + VMath.C(EpilogueActivations.SeluScale * EpilogueActivations.SeluAlpha))),
            EpilogueActivation.Softplus => g * (one - Vector.Exp(-y)),
            EpilogueActivation.Softsign => g * (one - Vector.Abs(y)) * (one - Vector.Abs(y)),
            EpilogueActivation.Exponential => g * y,
            EpilogueActivation.HardSigmoid => VMath.Sel(Vector.BitwiseAnd(Vector.GreaterThan(y, zero), Vector.LessThan(y, one)), g / VMath.C(6f), zero),
            EpilogueActivation.HardTanh => VMath.Sel(Vector.BitwiseAnd(Vector.GreaterThan(y, -one), Vector.LessThan(y, one)), g, zero),
            EpilogueActivation.LogSigmoid => g * (one - Vector.Exp(y)),
            EpilogueActivation.SparseSigmoid => VMath.Sel(Vector.BitwiseAnd(Vector.GreaterThan(y, zero), Vector.LessThan(y, one)), g * VMath.C(0.5f), zero),
            _ => g,
        };
    }
}
