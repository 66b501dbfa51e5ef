using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Mean squared difference of log(1 + x) over the last axis (<c>keras.losses.MeanSquaredLogarithmicError</c>, identifier "mean_squared_logarithmic_error").</summary>
public sealed class MeanSquaredLogarithmicError(string? reduction = "sum_over_batch_size", string name = "mean_squared_logarithmic_error") : Loss(name, reduction), IKerasSerializable<MeanSquaredLogarithmicError>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.MeanSquaredLogarithmicError(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static MeanSquaredLogarithmicError FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "mean_squared_logarithmic_error"));
}
