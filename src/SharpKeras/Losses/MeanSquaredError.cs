using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Mean of squared errors over the last axis (<c>keras.losses.MeanSquaredError</c>, identifier "mean_squared_error").</summary>
public sealed class MeanSquaredError(string? reduction = "sum_over_batch_size", string name = "mean_squared_error") : Loss(name, reduction), IKerasSerializable<MeanSquaredError>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.MeanSquaredError(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static MeanSquaredError FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "mean_squared_error"));
}
