using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Poisson loss: mean of (prediction - target log prediction) (<c>keras.losses.Poisson</c>, identifier "poisson").</summary>
public sealed class Poisson(string? reduction = "sum_over_batch_size", string name = "poisson") : Loss(name, reduction), IKerasSerializable<Poisson>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.Poisson(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static Poisson FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "poisson"));
}
