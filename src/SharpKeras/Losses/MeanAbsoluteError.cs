using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Mean of absolute errors over the last axis (<c>keras.losses.MeanAbsoluteError</c>, identifier "mean_absolute_error").</summary>
public sealed class MeanAbsoluteError(string? reduction = "sum_over_batch_size", string name = "mean_absolute_error") : Loss(name, reduction), IKerasSerializable<MeanAbsoluteError>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.MeanAbsoluteError(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static MeanAbsoluteError FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "mean_absolute_error"));
}
