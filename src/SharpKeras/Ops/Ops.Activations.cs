using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Keras's activation ops (<c>keras.ops.gelu</c>, <c>elu</c>, <c>sparsemax</c>, ...), each one kernel forward and one backward.</summary>
public static partial class Ops
{
    /// <summary>An element-wise activation through the activation kernels, recorded with its input gradient.</summary>
    private static Tensor ActivationOp(Tensor x, ActivationKind kind, float a = 0f, float b = 0f, float c = 0f)
    {
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        void Forward() => K.Activation(kind, a, b, c, x.Span, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.ActivationGrad(kind, a, b, c, x.Span, g.Span, dx[0].Span), OpKind.Activation);
        }
        return y;
    }

    /// <summary>Keras's relu with options: min(x &gt; threshold ? x : 0, maxValue) - negativeSlope max(threshold - x, 0).</summary>
    public static Tensor Relu(Tensor x, double negativeSlope, double? maxValue = null, double threshold = 0.0)
    {
        if (negativeSlope == 0 && maxValue is null && threshold == 0)
        {
            return Relu(x);
        }
        return ActivationOp(x, ActivationKind.Relu, (float)negativeSlope, maxValue is { } m ? (float)m : float.PositiveInfinity, (float)threshold);
    }

    /// <summary>Leaky rectifier x &gt;= 0 ? x : negativeSlope x (keras.ops.leaky_relu; default slope 0.2).</summary>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.2) =>
        ActivationOp(x, ActivationKind.Relu, (float)negativeSlope, float.PositiveInfinity, 0f);

    /// <summary>min(max(x, 0), 6) (keras.ops.relu6).</summary>
    public static Tensor Relu6(Tensor x) => ActivationOp(x, ActivationKind.Relu, 0f, 6f, 0f);

    /// <summary>Exponential linear unit x &gt; 0 ? x : alpha (exp(x) - 1) (keras.ops.elu).</summary>
    public static Tensor Elu(Tensor x, double alpha = 1.0) => ActivationOp(x, ActivationKind.Elu, (float)alpha);

    /// <summary>Scaled exponential linear unit (keras.ops.selu).</summary>
    public static Tensor Selu(Tensor x) => ActivationOp(x, ActivationKind.Selu);

    /// <summary>Continuously differentiable ELU x &gt; 0 ? x : alpha (exp(x / alpha) - 1) (keras.ops.celu).</summary>
    public static Tensor Celu(Tensor x, double alpha = 1.0)
    {
        if (alpha == 0)
        {
            throw new ArgumentException("celu: alpha must not be 0 (it divides x).", nameof(alpha));
        }
        return ActivationOp(x, ActivationKind.Celu, (float)alpha);
    }

    /// <summary>Gaussian error linear unit x Phi(x), or its tanh approximation (keras.ops.gelu; Keras's op defaults to the approximation).</summary>
    public static Tensor Gelu(Tensor x, bool approximate = true) => ActivationOp(x, approximate ? ActivationKind.GeluApproximate : ActivationKind.Gelu);

    /// <summary>x sigmoid(x) (keras.ops.silu, also swish).</summary>
    public static Tensor Silu(Tensor x) => ActivationOp(x, ActivationKind.Silu);

    /// <summary>log(1 + exp(x)) (keras.ops.softplus).</summary>
    public static Tensor Softplus(Tensor x) => ActivationOp(x, ActivationKind.Softplus);

    /// <summary>x / (1 + |x|) (keras.ops.softsign).</summary>
    public static Tensor Softsign(Tensor x) => ActivationOp(x, ActivationKind.Softsign);

    /// <summary>clip(x / 6 + 0.5, 0, 1) (keras.ops.hard_sigmoid).</summary>
    public static Tensor HardSigmoid(Tensor x) => ActivationOp(x, ActivationKind.HardSigmoid);

    /// <summary>x hard_sigmoid(x) (keras.ops.hard_silu, also hard_swish).</summary>
    public static Tensor HardSilu(Tensor x) => ActivationOp(x, ActivationKind.HardSilu);

    /// <summary>x tanh(softplus(x)) (Keras's mish activation).</summary>
    public static Tensor Mish(Tensor x) => ActivationOp(x, ActivationKind.Mish);

    /// <summary>log(sigmoid(x)), computed stably (keras.ops.log_sigmoid).</summary>
    public static Tensor LogSigmoid(Tensor x) => ActivationOp(x, ActivationKind.LogSigmoid);

    /// <summary>x - tanh(x) (keras.ops.tanh_shrink).</summary>
    public static Tensor TanhShrink(Tensor x) => ActivationOp(x, ActivationKind.TanhShrink);

    /// <summary>clip(x, -1, 1) (keras.ops.hard_tanh).</summary>
    public static Tensor HardTanh(Tensor x) => ActivationOp(x, ActivationKind.HardTanh);

    /// <summary>|x| &gt; threshold ? x : 0 (keras.ops.hard_shrink).</summary>
    public static Tensor HardShrink(Tensor x, double threshold = 0.5) => ActivationOp(x, ActivationKind.HardShrink, (float)threshold);

    /// <summary>x shrunk towards 0 by threshold, 0 inside [-threshold, threshold] (keras.ops.soft_shrink).</summary>
    public static Tensor SoftShrink(Tensor x, double threshold = 0.5) => ActivationOp(x, ActivationKind.SoftShrink, (float)threshold);

    /// <summary>(x + sqrt(x^2 + b)) / 2 (keras.ops.squareplus); b must be &gt;= 0.</summary>
    public static Tensor Squareplus(Tensor x, double b = 4)
    {
        if (!(b >= 0))
        {
            throw new ArgumentException($"squareplus: b must be >= 0, got {b}.", nameof(b));
        }
        return ActivationOp(x, ActivationKind.Squareplus, (float)b);
    }

    /// <summary>0 below -1, x above 1, (x + 1)^2 / 4 between (keras.ops.sparse_plus).</summary>
    public static Tensor SparsePlus(Tensor x) => ActivationOp(x, ActivationKind.SparsePlus);

    /// <summary>clip((x + 1) / 2, 0, 1) (keras.ops.sparse_sigmoid).</summary>
    public static Tensor SparseSigmoid(Tensor x) => ActivationOp(x, ActivationKind.SparseSigmoid);

    /// <summary>x &gt; threshold ? x : defaultValue (keras.ops.threshold).</summary>
    public static Tensor Threshold(Tensor x, double threshold, double defaultValue) =>
        ActivationOp(x, ActivationKind.Threshold, (float)threshold, (float)defaultValue);

    /// <summary>
    /// Sparsemax along <paramref name="axis"/> exactly as Keras 3.11 computes it (keras.ops.sparsemax):
    /// Keras's tau sums the running sums over the support where the textbook sparsemax takes the
    /// last one, so outputs need not sum to 1 (on linspace(-6, 6, 49) Keras returns all zeros).
    /// </summary>
    public static Tensor Sparsemax(Tensor x, int axis = -1)
    {
        x = F(x);
        int ax = x.Shape.NormalizeAxis(axis);
        var y = Tensor.Zeros(x.Shape);
        var (outer, len, inner) = AxisSplit(x.Shape, ax);
        void Forward() => K.Sparsemax(x.Span, outer, len, inner, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.SparsemaxGrad(x.Span, y.Span, g.Span, outer, len, inner, dx[0].Span), OpKind.Sparsemax);
        }
        return y;
    }

    /// <summary>Gated linear unit a sigmoid(b), a and b the two halves of x along <paramref name="axis"/> (keras.ops.glu); that axis must have even length.</summary>
    public static Tensor Glu(Tensor x, int axis = -1)
    {
        x = F(x);
        int ax = x.Shape.NormalizeAxis(axis);
        if (x.Shape[ax] % 2 != 0)
        {
            throw new ArgumentException($"glu: axis {axis} of the input must have an even length to split into two halves; got shape {x.Shape}.", nameof(x));
        }
        var y = Tensor.Zeros(x.Shape.WithDim(ax, x.Shape[ax] / 2));
        var (outer, len, inner) = AxisSplit(x.Shape, ax);
        void Forward() => K.Glu(x.Span, outer, len, inner, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.GluGrad(x.Span, g.Span, outer, len, inner, dx[0].Span), OpKind.Glu);
        }
        return y;
    }
}
