using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>100 times the mean relative absolute error over the last axis (<c>keras.losses.MeanAbsolutePercentageError</c>, identifier "mean_absolute_percentage_error").</summary>
public sealed class MeanAbsolutePercentageError(string? reduction = "sum_over_batch_size", string name = "mean_absolute_percentage_error") : Loss(name, reduction), IKerasSerializable<MeanAbsolutePercentageError>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.MeanAbsolutePercentageError(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static MeanAbsolutePercentageError FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "mean_absolute_percentage_error"));
}
