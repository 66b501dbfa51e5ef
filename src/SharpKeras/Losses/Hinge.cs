using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Hinge loss for -1/+1 (or 0/1) labels (<c>keras.losses.Hinge</c>, identifier "hinge").</summary>
public sealed class Hinge(string? reduction = "sum_over_batch_size", string name = "hinge") : Loss(name, reduction), IKerasSerializable<Hinge>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.Hinge(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static Hinge FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "hinge"));
}
