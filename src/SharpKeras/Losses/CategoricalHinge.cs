using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Hinge loss between one-hot labels and class scores (<c>keras.losses.CategoricalHinge</c>, identifier "categorical_hinge").</summary>
public sealed class CategoricalHinge(string? reduction = "sum_over_batch_size", string name = "categorical_hinge") : Loss(name, reduction), IKerasSerializable<CategoricalHinge>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.CategoricalHinge(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalHinge FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "categorical_hinge"));
}
