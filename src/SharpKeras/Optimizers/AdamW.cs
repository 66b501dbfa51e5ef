using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>AdamW (<c>keras.optimizers.AdamW</c>: Adam with decoupled weight decay, lr 0.001, weight_decay 0.004); as in Keras, an Adam whose weight decay is required.</summary>
public sealed class AdamW : Adam, IKerasSerializable<AdamW>
{
    /// <summary>AdamW with Keras 3 defaults; weightDecay must be a number.</summary>
    public AdamW(LearningRateArgument learningRate = default, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? weightDecay = 0.004, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "adamw")
        : base(learningRate, beta1, beta2, epsilon, amsgrad, RequireDecay(weightDecay), clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name)
    {
    }

    private static double RequireDecay(double? weightDecay) =>
        weightDecay ?? throw new ArgumentException("adamw: weightDecay must be a number, got null.", nameof(weightDecay));

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static new AdamW FromConfig(JsonObject config) => WithBaseConfig(config, new AdamW(LearningRateFrom(config, 0.001), Cfg.Double(config, "beta_1", 0.9), Cfg.Double(config, "beta_2", 0.999), Cfg.Double(config, "epsilon", 1e-7), Cfg.Bool(config, "amsgrad", false)));
}
