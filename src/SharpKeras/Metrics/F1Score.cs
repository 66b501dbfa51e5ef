using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>F1 score, the F-beta score with beta 1 (<c>keras.metrics.F1Score</c>).</summary>
public sealed class F1Score(string? average = null, double? threshold = null, string name = "f1_score")
    : FBetaScore(average, 1.0, threshold, name), IKerasSerializable<F1Score>
{
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("beta");
        return c;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new F1Score FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "average"),
        config["threshold"] is null ? null : Cfg.Double(config, "threshold"), Cfg.OptionalString(config, "name") ?? "f1_score");
}
