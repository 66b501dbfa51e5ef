using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>FTRL-proximal (<c>keras.optimizers.Ftrl</c>: lr 0.001, learning_rate_power -0.5, initial_accumulator_value 0.1, no regularization).</summary>
public sealed class Ftrl : Optimizer, IKerasSerializable<Ftrl>
{
    /// <summary>Ftrl with Keras 3 defaults.</summary>
    public Ftrl(LearningRateArgument learningRate = default, double learningRatePower = -0.5, double initialAccumulatorValue = 0.1, double l1RegularizationStrength = 0.0, double l2RegularizationStrength = 0.0, double l2ShrinkageRegularizationStrength = 0.0, double beta = 0.0,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string name = "ftrl")
        : base(name, learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps)
    {
        Check(initialAccumulatorValue >= 0, nameof(initialAccumulatorValue), initialAccumulatorValue, "positive or zero");
        Check(learningRatePower <= 0, nameof(learningRatePower), learningRatePower, "negative or zero");
        Check(l1RegularizationStrength >= 0, nameof(l1RegularizationStrength), l1RegularizationStrength, "positive or zero");
        Check(l2RegularizationStrength >= 0, nameof(l2RegularizationStrength), l2RegularizationStrength, "positive or zero");
        Check(l2ShrinkageRegularizationStrength >= 0, nameof(l2ShrinkageRegularizationStrength), l2ShrinkageRegularizationStrength, "positive or zero");
        LearningRatePower = learningRatePower;
        InitialAccumulatorValue = initialAccumulatorValue;
        L1RegularizationStrength = l1RegularizationStrength;
        L2RegularizationStrength = l2RegularizationStrength;
        L2ShrinkageRegularizationStrength = l2ShrinkageRegularizationStrength;
        Beta = beta;
    }

    /// <summary>Power of the accumulator in the per-coordinate rate (&lt;= 0).</summary>
    public double LearningRatePower { get; }

    /// <summary>Starting value of the accumulators (&gt;= 0).</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>L1 regularization strength (&gt;= 0).</summary>
    public double L1RegularizationStrength { get; }

    /// <summary>L2 regularization strength (&gt;= 0).</summary>
    public double L2RegularizationStrength { get; }

    /// <summary>L2 shrinkage regularization strength (&gt;= 0), applied to the gradient.</summary>
    public double L2ShrinkageRegularizationStrength { get; }

    /// <summary>Keras's beta: adds beta / (2 lr) to the L2 strength.</summary>
    public double Beta { get; }

    /// <summary>Keras's Ftrl config: the base fields, then learning_rate_power, initial_accumulator_value, l1_regularization_strength, l2_regularization_strength, l2_shrinkage_regularization_strength, beta.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["learning_rate_power"] = LearningRatePower;
        c["initial_accumulator_value"] = InitialAccumulatorValue;
        c["l1_regularization_strength"] = L1RegularizationStrength;
        c["l2_regularization_strength"] = L2RegularizationStrength;
        c["l2_shrinkage_regularization_strength"] = L2ShrinkageRegularizationStrength;
        c["beta"] = Beta;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 2;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        // Keras: l2_reg = l2 + beta / (2 lr), in float32 as the learning rate.
        float l2Reg = F32(L2RegularizationStrength) + F32(Beta) / (2f * lr);
        Backend.Kernels.Current.FtrlUpdate(g, w, slots[0].Span, slots[1].Span, lr, F32(-LearningRatePower), F32(L1RegularizationStrength),
            2f * l2Reg, F32(2 * L2ShrinkageRegularizationStrength));
    }

    /// <inheritdoc/>
    protected override float SlotInitialValue(int kind) => kind == 0 ? F32(InitialAccumulatorValue) : 0f;

    private static void Check(bool ok, string argument, double value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(argument, value, $"ftrl: {argument} needs to be {expected}, got {value}.");
        }
    }

    /// <summary>Recreates the optimizer from its config (Keras's <c>from_config</c>).</summary>
    public static Ftrl FromConfig(JsonObject config) => WithBaseConfig(config, new Ftrl(LearningRateFrom(config, 0.001), Cfg.Double(config, "learning_rate_power", -0.5), Cfg.Double(config, "initial_accumulator_value", 0.1), Cfg.Double(config, "l1_regularization_strength", 0.0), Cfg.Double(config, "l2_regularization_strength", 0.0), Cfg.Double(config, "l2_shrinkage_regularization_strength", 0.0), Cfg.Double(config, "beta", 0.0)));
}
