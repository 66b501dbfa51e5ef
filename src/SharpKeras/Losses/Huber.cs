using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Huber loss: quadratic below <see cref="Delta"/>, linear above (<c>keras.losses.Huber</c>, identifier "huber").</summary>
public sealed class Huber(double delta = 1.0, string? reduction = "sum_over_batch_size", string name = "huber_loss") : Loss(name, reduction), IKerasSerializable<Huber>
{
    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; } = delta;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        // Keras 3.11's Huber.get_config leaves delta out; writing it keeps a non-default delta on a round trip and Keras's constructor accepts it.
        var c = base.GetConfig();
        c["delta"] = Delta;
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.Huber(yTrue, yPred, Delta);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static Huber FromConfig(JsonObject config) => new(Cfg.Double(config, "delta", 1.0), ReductionOf(config), NameOf(config, "huber_loss"));
}
