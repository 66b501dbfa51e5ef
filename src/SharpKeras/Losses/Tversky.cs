using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Tversky loss 1 - TP / (TP + alpha FP + beta FN) (<c>keras.losses.Tversky</c>, identifier "tversky").</summary>
public sealed class Tversky(double alpha = 0.5, double beta = 0.5, string? reduction = "sum_over_batch_size", string name = "tversky", int[]? axis = null)
    : Loss(name, reduction), IKerasSerializable<Tversky>
{
    /// <summary>The weight of false positives.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>The weight of false negatives.</summary>
    public double Beta { get; } = beta;

    /// <summary>The axes summed over; null sums over everything (one value for the batch).</summary>
    public int[]? Axis { get; } = axis;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["alpha"] = Alpha;
        c["beta"] = Beta;
        c["axis"] = Dice.AxisNode(Axis);
        return c;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred) => LossFunctions.Tversky(yTrue, yPred, Alpha, Beta, Axis);

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static Tversky FromConfig(JsonObject config) =>
        new(Cfg.Double(config, "alpha", 0.5), Cfg.Double(config, "beta", 0.5), ReductionOf(config), NameOf(config, "tversky"), Dice.AxisOf(config));
}
