using SharpKeras.Optimizers.Schedules;

namespace SharpKeras.Optimizers;

/// <summary>
/// The <c>learning_rate</c> argument of a Keras optimizer: a number or a
/// <see cref="LearningRateSchedule"/>; both convert to it implicitly, and the default value means
/// "the optimizer's Keras default".
/// </summary>
public readonly record struct LearningRateArgument
{
    /// <summary>A fixed learning rate.</summary>
    public LearningRateArgument(double value) => Value = value;

    /// <summary>A learning rate that a schedule computes from the optimizer's iteration.</summary>
    public LearningRateArgument(LearningRateSchedule schedule) => Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <summary>The fixed rate, or null for a schedule or the default.</summary>
    public double? Value { get; }

    /// <summary>The schedule, or null for a fixed rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    /// <summary>Whether neither a value nor a schedule was given (the optimizer's default applies).</summary>
    public bool IsDefault => Value is null && Schedule is null;

    /// <summary>A fixed learning rate.</summary>
    public static implicit operator LearningRateArgument(double value) => new(value);

    /// <summary>A learning-rate schedule.</summary>
    public static implicit operator LearningRateArgument(LearningRateSchedule schedule) => new(schedule);

    /// <summary>A fixed learning rate (named form of the conversion).</summary>
    public static LearningRateArgument FromDouble(double value) => new(value);

    /// <summary>A learning-rate schedule (named form of the conversion).</summary>
    public static LearningRateArgument FromLearningRateSchedule(LearningRateSchedule schedule) => new(schedule);
}
