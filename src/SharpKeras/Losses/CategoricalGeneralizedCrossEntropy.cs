using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Generalized crossentropy (1 - p_y^q) / q for integer labels (<c>keras.losses.CategoricalGeneralizedCrossEntropy</c>).</summary>
public sealed class CategoricalGeneralizedCrossEntropy : Loss, IKerasSerializable<CategoricalGeneralizedCrossEntropy>
{
    /// <summary>Creates the loss; <paramref name="q"/> must lie in (0, 1).</summary>
    public CategoricalGeneralizedCrossEntropy(double q = 0.5, string? reduction = "sum_over_batch_size", string name = "categorical_generalized_cross_entropy")
        : base(name, reduction)
    {
        if (!(q > 0 && q < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), $"CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1), got {q}.");
        }
        Q = q;
    }

    /// <summary>The exponent: near 0 it approaches crossentropy, at 1 mean absolute error.</summary>
    public double Q { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["q"] = Q;
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.CategoricalGeneralizedCrossEntropy(yTrue, yPred, Q);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static CategoricalGeneralizedCrossEntropy FromConfig(JsonObject config) =>
        new(Cfg.Double(config, "q", 0.5), ReductionOf(config), NameOf(config, "categorical_generalized_cross_entropy"));
}
