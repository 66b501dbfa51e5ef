using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers.Schedules;

/// <summary>
/// Cosine decay with warm restarts, SGDR (<c>keras.optimizers.schedules.CosineDecayRestarts</c>): each
/// period decays from m_mul^i * initial_learning_rate to alpha and is t_mul times longer than the last.
/// </summary>
public sealed class CosineDecayRestarts : LearningRateSchedule, IKerasSerializable<CosineDecayRestarts>
{
    /// <summary>A cosine decay with restarts as Keras's constructor.</summary>
    public CosineDecayRestarts(double initialLearningRate, double firstDecaySteps, double tMul = 2.0, double mMul = 1.0, double alpha = 0.0, string name = "SGDRDecay")
    {
        InitialLearningRate = initialLearningRate;
        FirstDecaySteps = Positive(firstDecaySteps, nameof(firstDecaySteps), "CosineDecayRestarts");
        TMul = tMul;
        MMul = mMul;
        Alpha = alpha;
        Name = name;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Length of the first period.</summary>
    public double FirstDecaySteps { get; }

    /// <summary>Growth factor of each period's length (t_mul).</summary>
    public double TMul { get; }

    /// <summary>Factor of each period's starting rate (m_mul).</summary>
    public double MMul { get; }

    /// <summary>The minimum rate as a fraction of initial_learning_rate.</summary>
    public double Alpha { get; }

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override float Call(long step)
    {
        float initial = (float)InitialLearningRate, first = (float)FirstDecaySteps, alpha = (float)Alpha, tMul = (float)TMul, mMul = (float)MMul;
        float completed = step / first;
        float restart;
        if (tMul == 1f)
        {
            restart = MathF.Floor(completed);
            completed -= restart;
        }
        else
        {
            restart = MathF.Floor(MathF.Log(1f - completed * (1f - tMul)) / MathF.Log(tMul));
            float sumR = (1f - MathF.Pow(tMul, restart)) / (1f - tMul);
            completed = (completed - sumR) / MathF.Pow(tMul, restart);
        }
        float mFac = MathF.Pow(mMul, restart);
        float cosine = 0.5f * mFac * (1f + MathF.Cos(MathF.PI * completed));
        float decayed = (1f - alpha) * cosine + alpha;
        return initial * decayed;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["first_decay_steps"] = Number(FirstDecaySteps),
        ["t_mul"] = TMul,
        ["m_mul"] = MMul,
        ["alpha"] = Alpha,
        ["name"] = Name,
    };

    /// <summary>Recreates the schedule from its config (Keras's <c>from_config</c>).</summary>
    public static CosineDecayRestarts FromConfig(JsonObject config) => new(Cfg.Double(config, "initial_learning_rate"), Cfg.Double(config, "first_decay_steps"),
        Cfg.Double(config, "t_mul", 2.0), Cfg.Double(config, "m_mul", 1.0), Cfg.Double(config, "alpha", 0.0), Cfg.String(config, "name", "SGDRDecay"));
}
