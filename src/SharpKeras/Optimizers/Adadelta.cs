using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Optimizers;

/// <summary>
/// Adadelta (<c>keras.optimizers.Adadelta</c>: lr 0.001, rho 0.95, epsilon 1e-7): scales each step
/// by the ratio of the running RMS of past updates to the running RMS of gradients.
/// </summary>
public sealed class Adadelta : Optimizer, IKerasSerializable<Adadelta>
{
    /// <summary>Adadelta with Keras 3 defaults (the original Keras mnist_cnn example used learningRate 1.0).</summary>
    public Adadelta(LearningRateArgument learningRate = default, double rho = 0.95, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "adadelta")
        : base(name, learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        if (!(rho >= 0 && rho <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, $"adadelta: rho must be in [0, 1], got {rho}.");
        }
        Rho = rho;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the running averages of squared gradients and squared updates.</summary>
    public double Rho { get; }

    /// <summary>Added inside both square roots, for stability.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 2;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        Backend.Kernels.Current.AdadeltaUpdate(g, w, slots[0].Span, slots[1].Span, lr, F32(Rho), F32(1 - Rho), F32(Epsilon));
    }

    /// <summary>Keras's Adadelta config: the base fields, rho and epsilon.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rho"] = Rho;
        c["epsilon"] = Epsilon;
        return c;
    }

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static Adadelta FromConfig(JsonObject config) =>
        WithBaseConfig(config, new Adadelta(LearningRateFrom(config, 0.001), Cfg.Double(config, "rho", 0.95), Cfg.Double(config, "epsilon", 1e-7)));
}
