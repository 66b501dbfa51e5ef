using System.Globalization;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers.Schedules;

/// <summary>
/// Base of learning-rate schedules (<c>keras.optimizers.schedules.LearningRateSchedule</c>): maps the
/// optimizer's iteration to a learning rate. Subclass it and override <see cref="Call"/> (and
/// <see cref="GetConfig"/> to save it); pass an instance as an optimizer's <c>learningRate</c>.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at optimizer step <paramref name="step"/> (Keras's <c>__call__(step)</c>), a float32 as Keras's tensor.</summary>
    public abstract float Call(long step);

    /// <summary>Keras's class name written to configs.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The schedule's configuration (Keras's <c>get_config</c>); a custom schedule must override it to be saved.</summary>
    public virtual JsonObject GetConfig() =>
        throw new NotSupportedException($"Learning rate schedule '{ClassName}' must override GetConfig() in order to be serializable.");

    /// <summary>A step count or a decay length as Keras writes it: an integer when it is one.</summary>
    private protected static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    /// <summary>Keras's check that a decay length is positive.</summary>
    private protected static double Positive(double value, string argument, string schedule) => value > 0
        ? value
        : throw new ArgumentOutOfRangeException(argument, value, $"{schedule}: {argument} must be > 0, got {value.ToString(CultureInfo.InvariantCulture)}.");
}
