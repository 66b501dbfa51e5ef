using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers.Schedules;

/// <summary>
/// Piecewise constant rate (<c>keras.optimizers.schedules.PiecewiseConstantDecay</c>): values[0] while
/// step &lt;= boundaries[0], values[i] while boundaries[i-1] &lt; step &lt;= boundaries[i], values[^1] after.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule, IKerasSerializable<PiecewiseConstantDecay>
{
    private readonly long[] _stepBoundaries;

    /// <summary>A piecewise constant schedule as Keras's constructor; values has one more entry than boundaries.</summary>
    public PiecewiseConstantDecay(IReadOnlyList<double> boundaries, IReadOnlyList<double> values, string name = "PiecewiseConstant")
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count != values.Count - 1)
        {
            throw new ArgumentException($"PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values; got {boundaries.Count} boundaries and {values.Count} values.", nameof(values));
        }
        Boundaries = [.. boundaries];
        Values = [.. values];
        Name = name;
        // Keras casts the boundaries to the step's integer type before comparing.
        _stepBoundaries = [.. Boundaries.Select(b => (long)b)];
    }

    /// <summary>The steps where the value changes.</summary>
    public IReadOnlyList<double> Boundaries { get; }

    /// <summary>The value of each interval.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override float Call(long step)
    {
        for (int i = 0; i < _stepBoundaries.Length; i++)
        {
            if (step <= _stepBoundaries[i])
            {
                return (float)Values[i];
            }
        }
        return (float)Values[^1];
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["boundaries"] = new JsonArray([.. Boundaries.Select(Number)]),
        ["values"] = new JsonArray([.. Values.Select(v => (JsonNode)JsonValue.Create(v))]),
        ["name"] = Name,
    };

    /// <summary>Recreates the schedule from its config (Keras's <c>from_config</c>).</summary>
    public static PiecewiseConstantDecay FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        double[] Numbers(string key) => config[key] is JsonArray a
            ? [.. a.Select(n => n?.GetValue<double>() ?? throw Cfg.Wrong(config, key, "a list of numbers", config[key]))]
            : throw Cfg.Missing(config, key, "a list of numbers");
        return new(Numbers("boundaries"), Numbers("values"), Cfg.String(config, "name", "PiecewiseConstant"));
    }
}
