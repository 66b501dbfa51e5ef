using SharpKeras.Saving;
using System.Numerics;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum (<c>keras.optimizers.SGD</c>, lr 0.01).</summary>
public sealed class SGD : Optimizer, IKerasSerializable<SGD>
{
    /// <summary>SGD with Keras 3 defaults: learning rate 0.01, no momentum.</summary>
    public SGD(LearningRateArgument learningRate = default, double momentum = 0.0, bool nesterov = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "SGD")
        : base(name, learningRate, 0.01, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"SGD momentum must be in [0, 1], got {momentum}.");
        }
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor (0 disables the velocity slot).</summary>
    public double Momentum { get; }

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["momentum"] = Momentum;
        c["nesterov"] = Nesterov;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => Momentum != 0 ? 1 : 0;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step) =>
        Backend.Kernels.Current.SgdUpdate(g, w, Momentum == 0 ? default : slots[0].Span, lr, F32(Momentum), Nesterov);

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static SGD FromConfig(JsonObject config) =>
        WithBaseConfig(config, new SGD(LearningRateFrom(config, 0.01), Cfg.Double(config, "momentum", 0.0), Cfg.Bool(config, "nesterov", false)));
}
