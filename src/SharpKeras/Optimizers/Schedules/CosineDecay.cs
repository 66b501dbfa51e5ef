using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers.Schedules;

/// <summary>
/// Cosine decay with optional linear warmup (<c>keras.optimizers.schedules.CosineDecay</c>): with a
/// warmup target, the rate rises linearly from initial_learning_rate to warmup_target over
/// warmup_steps, then decays as a half cosine to alpha * target over decay_steps.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule, IKerasSerializable<CosineDecay>
{
    /// <summary>A cosine decay as Keras's constructor.</summary>
    public CosineDecay(double initialLearningRate, double decaySteps, double alpha = 0.0, string name = "CosineDecay", double? warmupTarget = null, double warmupSteps = 0)
    {
        InitialLearningRate = initialLearningRate;
        DecaySteps = Positive(decaySteps, nameof(decaySteps), "CosineDecay");
        Alpha = alpha;
        Name = name;
        WarmupTarget = warmupTarget;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Steps of the cosine decay.</summary>
    public double DecaySteps { get; }

    /// <summary>The final rate as a fraction of the decay's starting rate.</summary>
    public double Alpha { get; }

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <summary>The rate reached at the end of the warmup, or null for no warmup.</summary>
    public double? WarmupTarget { get; }

    /// <summary>Steps of the linear warmup.</summary>
    public double WarmupSteps { get; }

    private float Decay(float step, float decaySteps, float from)
    {
        float completed = step / decaySteps;
        float cosine = 0.5f * (1f + MathF.Cos(MathF.PI * completed));
        float decayed = (float)(1 - Alpha) * cosine + (float)Alpha;
        return from * decayed;
    }

    /// <inheritdoc/>
    public override float Call(long step)
    {
        float initial = (float)InitialLearningRate, decaySteps = (float)DecaySteps, s = step;
        if (WarmupTarget is not double target)
        {
            return Decay(MathF.Min(s, decaySteps), decaySteps, initial);
        }
        float warmupTarget = (float)target, warmupSteps = (float)WarmupSteps;
        s = MathF.Min(s, decaySteps + warmupSteps);
        if (s < warmupSteps)
        {
            float completed = s / warmupSteps;
            return (warmupTarget - initial) * completed + initial;
        }
        return Decay(s - warmupSteps, decaySteps, warmupTarget);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = Number(DecaySteps),
        ["alpha"] = Alpha,
        ["name"] = Name,
        ["warmup_target"] = WarmupTarget,
        ["warmup_steps"] = Number(WarmupSteps),
    };

    /// <summary>Recreates the schedule from its config (Keras's <c>from_config</c>).</summary>
    public static CosineDecay FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(Cfg.Double(config, "initial_learning_rate"), Cfg.Double(config, "decay_steps"), Cfg.Double(config, "alpha", 0.0),
            Cfg.String(config, "name", "CosineDecay"), config["warmup_target"] is null ? null : Cfg.Double(config, "warmup_target"), Cfg.Double(config, "warmup_steps", 0));
    }
}
