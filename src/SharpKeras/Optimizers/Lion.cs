using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>Lion (<c>keras.optimizers.Lion</c>: lr 0.001, beta_1 0.9, beta_2 0.99): the sign of an interpolated momentum.</summary>
public sealed class Lion : Optimizer, IKerasSerializable<Lion>
{
    /// <summary>Lion with Keras 3 defaults.</summary>
    public Lion(LearningRateArgument learningRate = default, double beta1 = 0.9, double beta2 = 0.99,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "lion")
        : base(name, learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        if (!(beta1 > 0 && beta1 <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"lion: beta1 must be in the (0, 1] range (otherwise the optimizer degenerates to SignSGD), got {beta1}.");
        }
        Beta1 = beta1;
        Beta2 = beta2;
    }

    /// <summary>Interpolation between momentum and gradient for the update direction (beta_1).</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the momentum (beta_2).</summary>
    public double Beta2 { get; }

    /// <summary>Keras's Lion config: the base fields, then beta_1, beta_2.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 1;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        Backend.Kernels.Current.LionUpdate(g, w, slots[0].Span, lr, F32(Beta1), F32(1 - Beta1), F32(Beta2), F32(1 - Beta2));
    }

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static Lion FromConfig(JsonObject config) => WithBaseConfig(config, new Lion(LearningRateFrom(config, 0.001), Cfg.Double(config, "beta_1", 0.9), Cfg.Double(config, "beta_2", 0.99)));
}
