using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Negative cosine similarity along an axis (<c>keras.losses.CosineSimilarity</c>, identifier "cosine_similarity").</summary>
public sealed class CosineSimilarity(int axis = -1, string? reduction = "sum_over_batch_size", string name = "cosine_similarity") : Loss(name, reduction), IKerasSerializable<CosineSimilarity>
{
    /// <summary>The axis the similarity is taken along.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis;
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.CosineSimilarity(yTrue, yPred, Axis);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static CosineSimilarity FromConfig(JsonObject config) => new(Cfg.Int(config, "axis", -1), ReductionOf(config), NameOf(config, "cosine_similarity"));
}
