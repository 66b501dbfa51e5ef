using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers.Schedules;

/// <summary>
/// Polynomial decay (<c>keras.optimizers.schedules.PolynomialDecay</c>): from initial_learning_rate to
/// end_learning_rate over decay_steps as (1 - step / decay_steps) ^ power; with cycle, decay_steps
/// grows to the first multiple above the step.
/// </summary>
public sealed class PolynomialDecay : LearningRateSchedule, IKerasSerializable<PolynomialDecay>
{
    /// <summary>A polynomial decay as Keras's constructor.</summary>
    public PolynomialDecay(double initialLearningRate, double decaySteps, double endLearningRate = 0.0001, double power = 1.0, bool cycle = false,
        string name = "PolynomialDecay")
    {
        InitialLearningRate = initialLearningRate;
        DecaySteps = Positive(decaySteps, nameof(decaySteps), "PolynomialDecay");
        EndLearningRate = endLearningRate;
        Power = power;
        Cycle = cycle;
        Name = name;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Steps to reach the end rate.</summary>
    public double DecaySteps { get; }

    /// <summary>The final rate.</summary>
    public double EndLearningRate { get; }

    /// <summary>The power of the polynomial.</summary>
    public double Power { get; }

    /// <summary>Whether the decay restarts beyond decay_steps.</summary>
    public bool Cycle { get; }

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override float Call(long step)
    {
        float initial = (float)InitialLearningRate, end = (float)EndLearningRate;
        float s = step, decay = (float)DecaySteps;
        if (Cycle)
        {
            float multiplier = s == 0 ? 1f : MathF.Ceiling(s / decay);
            decay *= multiplier;
        }
        else
        {
            s = MathF.Min(s, decay);
        }
        float p = s / decay;
        return (initial - end) * MathF.Pow(1f - p, (float)Power) + end;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = Number(DecaySteps),
        ["end_learning_rate"] = EndLearningRate,
        ["power"] = Power,
        ["cycle"] = Cycle,
        ["name"] = Name,
    };

    /// <summary>Recreates the schedule from its config (Keras's <c>from_config</c>).</summary>
    public static PolynomialDecay FromConfig(JsonObject config) => new(Cfg.Double(config, "initial_learning_rate"), Cfg.Double(config, "decay_steps"),
        Cfg.Double(config, "end_learning_rate", 0.0001), Cfg.Double(config, "power", 1.0), Cfg.Bool(config, "cycle", false), Cfg.String(config, "name", "PolynomialDecay"));
}
