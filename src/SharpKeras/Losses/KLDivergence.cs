using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Kullback-Leibler divergence of the predicted from the true distribution (<c>keras.losses.KLDivergence</c>, identifier "kl_divergence").</summary>
public sealed class KLDivergence(string? reduction = "sum_over_batch_size", string name = "kl_divergence") : Loss(name, reduction), IKerasSerializable<KLDivergence>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.KLDivergence(yTrue, yPred);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static KLDivergence FromConfig(JsonObject config) => new(ReductionOf(config), NameOf(config, "kl_divergence"));
}
