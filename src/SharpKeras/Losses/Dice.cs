using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Dice loss 1 - 2|t p| / (|t| + |p|) (<c>keras.losses.Dice</c>, identifier "dice").</summary>
public sealed class Dice(string? reduction = "sum_over_batch_size", string name = "dice", int[]? axis = null) : Loss(name, reduction), IKerasSerializable<Dice>
{
    /// <summary>The axes summed over; null sums over everything (one value for the batch).</summary>
    public int[]? Axis { get; } = axis;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = AxisNode(Axis);
        return c;
    }

    internal static JsonNode? AxisNode(int[]? axis) => axis is null ? null : axis.Length == 1 ? JsonValue.Create(axis[0]) : new JsonArray([.. axis.Select(a => (JsonNode)JsonValue.Create(a))]);

    internal static int[]? AxisOf(JsonObject config) => config["axis"] switch
    {
        null => null,
        JsonArray => Cfg.Ints(config, "axis"),
        _ => [Cfg.Int(config, "axis")],
    };

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.Dice(yTrue, yPred, Axis);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static Dice FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "dice"), AxisOf(config));
}
