using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>Adamax (<c>keras.optimizers.Adamax</c>: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7): Adam with the infinity norm.</summary>
public sealed class Adamax : Optimizer, IKerasSerializable<Adamax>
{
    /// <summary>Adamax with Keras 3 defaults.</summary>
    public Adamax(LearningRateArgument learningRate = default, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "adamax")
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

    /// <summary>Added to the infinity norm, for stability.</summary>
    public double Epsilon { get; }

    /// <summary>Keras's Adamax config: the base fields, then beta_1, beta_2, epsilon.</summary>
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
        float correction = 1f - MathF.Pow(F32(Beta1), step);
        Backend.Kernels.Current.AdamaxUpdate(g, w, slots[0].Span, slots[1].Span, lr, F32(Beta1), F32(1 - Beta1), F32(Beta2), F32(Epsilon), correction);
    }

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static Adamax FromConfig(JsonObject config) => WithBaseConfig(config, new Adamax(LearningRateFrom(config, 0.001), Cfg.Double(config, "beta_1", 0.9), Cfg.Double(config, "beta_2", 0.999), Cfg.Double(config, "epsilon", 1e-7)));
}
