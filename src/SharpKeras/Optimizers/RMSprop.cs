using SharpKeras.Saving;
using System.Numerics;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>RMSprop (<c>keras.optimizers.RMSprop</c>: lr 0.001, rho 0.9, epsilon 1e-7 inside the square root).</summary>
public sealed class RMSprop : Optimizer, IKerasSerializable<RMSprop>
{
    /// <summary>RMSprop with Keras 3 defaults.</summary>
    public RMSprop(LearningRateArgument learningRate = default, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "rmsprop")
        : base(name, learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
    }

    /// <summary>Discount of the running mean of squared gradients.</summary>
    public double Rho { get; }

    /// <summary>Momentum factor (0: none).</summary>
    public double Momentum { get; }

    /// <summary>Added to the mean square before the root, for stability.</summary>
    public double Epsilon { get; }

    /// <summary>Whether to normalise by the variance instead of the mean square.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rho"] = Rho;
        c["momentum"] = Momentum;
        c["epsilon"] = Epsilon;
        c["centered"] = Centered;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 1 + (Momentum > 0 ? 1 : 0) + (Centered ? 1 : 0);

    /// <inheritdoc/>
    private protected override int[] SlotGroups => [.. Enumerable.Repeat(1, SlotsPerVariable)];

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step) =>
        Backend.Kernels.Current.RmsPropUpdate(g, w, slots[0].Span, Momentum > 0 ? slots[1].Span : default, Centered ? slots[^1].Span : default,
            lr, F32(Rho), F32(1 - Rho), F32(Epsilon), F32(Momentum));

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static RMSprop FromConfig(JsonObject config) => WithBaseConfig(config, new RMSprop(LearningRateFrom(config, 0.001), Cfg.Double(config, "rho", 0.9),
        Cfg.Double(config, "momentum", 0.0), Cfg.Double(config, "epsilon", 1e-7), Cfg.Bool(config, "centered", false)));
}
