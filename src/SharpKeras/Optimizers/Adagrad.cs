using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>Adagrad (<c>keras.optimizers.Adagrad</c>: lr 0.001, initial_accumulator_value 0.1, epsilon 1e-7): per-parameter rates scaled by the accumulated squared gradients.</summary>
public sealed class Adagrad : Optimizer, IKerasSerializable<Adagrad>
{
    /// <summary>Adagrad with Keras 3 defaults.</summary>
    public Adagrad(LearningRateArgument learningRate = default, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "adagrad")
        : base(name, learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    /// <summary>Starting value of the accumulators.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Added to the accumulator inside the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Keras's Adagrad config: the base fields, then initial_accumulator_value, epsilon.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["initial_accumulator_value"] = InitialAccumulatorValue;
        c["epsilon"] = Epsilon;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 1;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        Backend.Kernels.Current.AdagradUpdate(g, w, slots[0].Span, lr, F32(Epsilon));
    }

    /// <inheritdoc/>
    protected override float SlotInitialValue(int kind) => F32(InitialAccumulatorValue);

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static Adagrad FromConfig(JsonObject config) => WithBaseConfig(config, new Adagrad(LearningRateFrom(config, 0.001), Cfg.Double(config, "initial_accumulator_value", 0.1), Cfg.Double(config, "epsilon", 1e-7)));
}
