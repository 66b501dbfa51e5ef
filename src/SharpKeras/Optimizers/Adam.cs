using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>Adam (<c>keras.optimizers.Adam</c>: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7).</summary>
public class Adam : Optimizer, IKerasSerializable<Adam>
{
    /// <summary>Adam with Keras 3 defaults.</summary>
    public Adam(LearningRateArgument learningRate = default, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "adam")
        : base(name, learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
    }

    /// <summary>Decay of the first-moment estimate (beta_1).</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate (beta_2).</summary>
    public double Beta2 { get; }

    /// <summary>Added to sqrt(v) (outside the root, as Keras's "epsilon hat").</summary>
    public double Epsilon { get; }

    /// <summary>Whether to use the AMSGrad variant (maximum of past second moments).</summary>
    public bool Amsgrad { get; }

    /// <summary>Keras's Adam config: the base fields, then beta_1, beta_2, epsilon, amsgrad.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        c["epsilon"] = Epsilon;
        c["amsgrad"] = Amsgrad;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => Amsgrad ? 3 : 2;

    /// <inheritdoc/>
    private protected override int[] SlotGroups => Amsgrad ? [2, 1] : [2];

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        float t = step;
        float b1Power = MathF.Pow(F32(Beta1), t);
        float b2Power = MathF.Pow(F32(Beta2), t);
        float alpha = lr * MathF.Sqrt(1f - b2Power) / (1f - b1Power);
        Backend.Kernels.Current.AdamUpdate(g, w, slots[0].Span, slots[1].Span, Amsgrad ? slots[2].Span : default,
            alpha, F32(1 - Beta1), F32(1 - Beta2), F32(Epsilon));
    }

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static Adam FromConfig(JsonObject config) => WithBaseConfig(config, new Adam(LearningRateFrom(config, 0.001), Cfg.Double(config, "beta_1", 0.9), Cfg.Double(config, "beta_2", 0.999), Cfg.Double(config, "epsilon", 1e-7), Cfg.Bool(config, "amsgrad", false)));
}
