using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Squared hinge loss for -1/+1 (or 0/1) labels (<c>keras.losses.SquaredHinge</c>, identifier "squared_hinge").</summary>
public sealed class SquaredHinge(string? reduction = "sum_over_batch_size", string name = "squared_hinge") : Loss(name, reduction), IKerasSerializable<SquaredHinge>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.SquaredHinge(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static SquaredHinge FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "squared_hinge"));
}
