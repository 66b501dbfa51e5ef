using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers.Schedules;

/// <summary>
/// Exponential decay (<c>keras.optimizers.schedules.ExponentialDecay</c>):
/// initial_learning_rate * decay_rate ^ (step / decay_steps), the exponent floored when staircase.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule, IKerasSerializable<ExponentialDecay>
{
    /// <summary>An exponential decay as Keras's constructor.</summary>
    public ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false, string name = "ExponentialDecay")
    {
        InitialLearningRate = initialLearningRate;
        DecaySteps = Positive(decaySteps, nameof(decaySteps), "ExponentialDecay");
        DecayRate = decayRate;
        Staircase = staircase;
        Name = name;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Steps per factor of decay_rate.</summary>
    public double DecaySteps { get; }

    /// <summary>The factor applied every decay_steps steps.</summary>
    public double DecayRate { get; }

    /// <summary>Whether the exponent is an integer (step // decay_steps).</summary>
    public bool Staircase { get; }

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override float Call(long step)
    {
        float p = step / (float)DecaySteps;
        if (Staircase)
        {
            p = MathF.Floor(p);
        }
        return (float)InitialLearningRate * MathF.Pow((float)DecayRate, p);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = Number(DecaySteps),
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };

    /// <summary>Recreates the schedule from its config (Keras's <c>from_config</c>).</summary>
    public static ExponentialDecay FromConfig(JsonObject config) => new(Cfg.Double(config, "initial_learning_rate"), Cfg.Double(config, "decay_steps"),
        Cfg.Double(config, "decay_rate"), Cfg.Bool(config, "staircase", false), Cfg.String(config, "name", "ExponentialDecay"));
}
