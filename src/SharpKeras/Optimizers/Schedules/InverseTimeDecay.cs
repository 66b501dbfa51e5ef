using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers.Schedules;

/// <summary>
/// Inverse time decay (<c>keras.optimizers.schedules.InverseTimeDecay</c>):
/// initial_learning_rate / (1 + decay_rate * step / decay_steps), the ratio floored when staircase.
/// </summary>
public sealed class InverseTimeDecay : LearningRateSchedule, IKerasSerializable<InverseTimeDecay>
{
    /// <summary>An inverse time decay as Keras's constructor.</summary>
    public InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false, string name = "InverseTimeDecay")
    {
        InitialLearningRate = initialLearningRate;
        DecaySteps = Positive(decaySteps, nameof(decaySteps), "InverseTimeDecay");
        DecayRate = decayRate;
        Staircase = staircase;
        Name = name;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>How often the decay applies.</summary>
    public double DecaySteps { get; }

    /// <summary>The decay rate.</summary>
    public double DecayRate { get; }

    /// <summary>Whether step / decay_steps is floored.</summary>
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
        return (float)InitialLearningRate / (1f + (float)DecayRate * p);
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
    public static InverseTimeDecay FromConfig(JsonObject config) => new(Cfg.Double(config, "initial_learning_rate"), Cfg.Double(config, "decay_steps"),
        Cfg.Double(config, "decay_rate"), Cfg.Bool(config, "staircase", false), Cfg.String(config, "name", "InverseTimeDecay"));
}
