using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>Nadam (<c>keras.optimizers.Nadam</c>: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7): Adam with Nesterov momentum.</summary>
public sealed class Nadam : Optimizer, IKerasSerializable<Nadam>
{
    /// <summary>Nadam with Keras 3 defaults.</summary>
    public Nadam(LearningRateArgument learningRate = default, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "nadam")
        : base(name, learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first-moment estimate (beta_1).</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate (beta_2).</summary>
    public double Beta2 { get; }

    /// <summary>Added to sqrt(v_hat), for stability.</summary>
    public double Epsilon { get; }

    /// <summary>Keras's Nadam config: the base fields, then beta_1, beta_2, epsilon.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        c["epsilon"] = Epsilon;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 2;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        float t = step;
        float beta1 = F32(Beta1), beta2 = F32(Beta2);
        float u = beta1 * (1f - 0.5f * MathF.Pow(0.96f, t));
        float uNext = beta1 * (1f - 0.5f * MathF.Pow(0.96f, t + 1f));
        float uProduct = _uProduct.Span[0];
        float uProductNext = uProduct * uNext;
        float b2Power = MathF.Pow(beta2, t);
        Backend.Kernels.Current.NadamUpdate(g, w, slots[0].Span, slots[1].Span, lr, beta1, F32(1 - Beta1), beta2, F32(1 - Beta2), F32(Epsilon),
            uNext, 1f - uProductNext, 1f - u, 1f - uProduct, 1f - b2Power);
    }

    // Keras's _u_product: the running product of the momentum schedule, one value for the whole optimizer
    // (Keras's file stores it with shape (1,)).
    private readonly Tensor _uProduct = Tensor.FromArray([1f]);

    /// <inheritdoc/>
    private protected override IReadOnlyList<Tensor> ExtraVariables => [_uProduct];

    /// <inheritdoc/>
    private protected override void BuildExtraVariables() => _uProduct.Span[0] = 1f;

    /// <inheritdoc/>
    private protected override void BeginUpdate(long step)
    {
        // Once per step, before any weight: u_product *= beta_1 (1 - 0.5 * 0.96^t).
        float beta1 = F32(Beta1);
        _uProduct.Span[0] *= beta1 * (1f - 0.5f * MathF.Pow(0.96f, step));
    }

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static Nadam FromConfig(JsonObject config) => WithBaseConfig(config, new Nadam(LearningRateFrom(config, 0.001), Cfg.Double(config, "beta_1", 0.9), Cfg.Double(config, "beta_2", 0.999), Cfg.Double(config, "epsilon", 1e-7)));
}
