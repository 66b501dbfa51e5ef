using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Mean of log(cosh(error)) over the last axis (<c>keras.losses.LogCosh</c>, identifier "log_cosh").</summary>
public sealed class LogCosh(string? reduction = "sum_over_batch_size", string name = "log_cosh") : Loss(name, reduction), IKerasSerializable<LogCosh>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.LogCosh(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static LogCosh FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "log_cosh"));
}
