using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Area under the ROC or precision-recall curve from weighted confusion counts at fixed thresholds
/// (<c>keras.metrics.AUC</c>): curve "ROC", "PR" or "PRGAIN", summation "interpolation" (PR uses
/// Davis and Goadrich's interpolation, as Keras), "minoring" or "majoring". multi_label is not supported.
/// </summary>
public sealed class AUC : Metric, IKerasSerializable<AUC>
{
    private readonly ConfusionCounts _counts;
    private readonly double[]? _initThresholds;

    /// <summary>Creates the metric; without <paramref name="thresholds"/>, <paramref name="numThresholds"/> evenly spaced ones in [0, 1].</summary>
    public AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation", string name = "auc", double[]? thresholds = null,
        bool multiLabel = false, int? numLabels = null, double[]? labelWeights = null, bool fromLogits = false) : base(name)
    {
        Curve = curve?.ToUpperInvariant() switch
        {
            "ROC" => "ROC",
            "PR" => "PR",
            "PRGAIN" => "PRGAIN",
            _ => throw new ArgumentException($"AUC '{name}': invalid curve '{curve}'; expected ROC, PR or PRGAIN.", nameof(curve)),
        };
        SummationMethod = summationMethod?.ToLowerInvariant() switch
        {
            "interpolation" or "minoring" or "majoring" => summationMethod.ToLowerInvariant(),
            _ => throw new ArgumentException($"AUC '{name}': invalid summation_method '{summationMethod}'; expected interpolation, minoring or majoring.", nameof(summationMethod)),
        };
        if (multiLabel)
        {
            throw new NotSupportedException($"AUC '{name}': multi_label=True is not supported yet; the labels are flattened into one curve with multi_label=False.");
        }
        _initThresholds = thresholds;
        float[] all;
        bool evenly;
        if (thresholds is not null)
        {
            var sorted = thresholds.Order().ToArray();
            NumThresholds = sorted.Length + 2;
            evenly = ConfusionCounts.Evenly([0f, .. sorted.Select(t => (float)t), 1f]);
            all = [0f - Losses.Loss.Epsilon, .. sorted.Select(t => (float)t), 1f + Losses.Loss.Epsilon];
        }
        else
        {
            if (numThresholds <= 1)
            {
                throw new ArgumentOutOfRangeException(nameof(numThresholds), $"AUC '{name}': num_thresholds must be greater than 1, got {numThresholds}.");
            }
            NumThresholds = numThresholds;
            evenly = true;
            all = new float[numThresholds];
            for (int i = 1; i < numThresholds - 1; i++)
            {
                all[i] = (float)(i * 1.0 / (numThresholds - 1));
            }
            all[0] = 0f - Losses.Loss.Epsilon;
            all[^1] = 1f + Losses.Loss.Epsilon;
        }
        NumLabels = numLabels;
        LabelWeights = labelWeights;
        FromLogits = fromLogits;
        _counts = new ConfusionCounts(all, evenly);
    }

    /// <summary>How many thresholds the counts are kept at (the two end points included).</summary>
    public int NumThresholds { get; }

    /// <summary>"ROC", "PR" or "PRGAIN".</summary>
    public string Curve { get; }

    /// <summary>"interpolation", "minoring" or "majoring".</summary>
    public string SummationMethod { get; }

    /// <summary>Keras's num_labels (kept for the config; only used with multi_label).</summary>
    public int? NumLabels { get; }

    /// <summary>Per-column weights of the counts.</summary>
    public double[]? LabelWeights { get; }

    /// <summary>True when predictions are logits (a sigmoid is applied first).</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["num_thresholds"] = NumThresholds;
        c["curve"] = Curve;
        c["summation_method"] = SummationMethod;
        c["multi_label"] = false;
        c["num_labels"] = NumLabels;
        c["label_weights"] = LabelWeights is null ? null : new JsonArray([.. LabelWeights.Select(w => (JsonNode)JsonValue.Create(w))]);
        c["from_logits"] = FromLogits;
        if (_initThresholds is not null)
        {
            // Keras writes the thresholds without the two end points it adds.
            c["thresholds"] = new JsonArray([.. _initThresholds.Order().Select(t => (JsonNode)JsonValue.Create(t))]);
        }
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) =>
        _counts.Update(Name, yTrue, yPred, sampleWeight, sigmoid: FromLogits, labelWeights: LabelWeights);

    /// <inheritdoc/>
    public override double Result()
    {
        var tp = _counts.Tp;
        var fp = _counts.Fp;
        var tn = _counts.Tn;
        var fn = _counts.Fn;
        int n = NumThresholds;
        if (Curve == "PR" && SummationMethod == "interpolation")
        {
            double auc = 0;
            for (int i = 0; i < n - 1; i++)
            {
                double dtp = tp[i] - tp[i + 1];
                double p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1];
                double dp = p0 - p1;
                double slope = ConfusionCounts.DivideNoNan(dtp, Math.Max(dp, 0));
                double intercept = tp[i + 1] - slope * p1;
                double ratio = p0 > 0 && p1 > 0 ? ConfusionCounts.DivideNoNan(p0, Math.Max(p1, 0)) : 1;
                auc += ConfusionCounts.DivideNoNan(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(tp[i + 1] + fn[i + 1], 0));
            }
            return auc;
        }
        double total = 0;
        double prevX = 0, prevY = 0;
        for (int i = 0; i < n; i++)
        {
            double x, y;
            double recall = ConfusionCounts.DivideNoNan(tp[i], tp[i] + fn[i]);
            if (Curve == "ROC")
            {
                x = ConfusionCounts.DivideNoNan(fp[i], fp[i] + tn[i]);
                y = recall;
            }
            else if (Curve == "PR")
            {
                x = recall;
                y = ConfusionCounts.DivideNoNan(tp[i], tp[i] + fp[i]);
            }
            else
            {
                double scale = ConfusionCounts.DivideNoNan(tp[i] + fn[i], tn[i] + fp[i]);
                double recallGain = tp[i] == 0 ? 0 : 1 - scale * ConfusionCounts.DivideNoNan(fn[i], tp[i]);
                double precisionGain = tp[i] == 0 ? 1 : 1 - scale * ConfusionCounts.DivideNoNan(fp[i], tp[i]);
                x = Math.Max(recallGain, 0);
                y = precisionGain;
            }
            if (i > 0)
            {
                double height = SummationMethod switch
                {
                    "interpolation" => (prevY + y) / 2,
                    "minoring" => Math.Min(prevY, y),
                    _ => Math.Max(prevY, y),
                };
                total += (prevX - x) * height;
            }
            (prevX, prevY) = (x, y);
        }
        return total;
    }

    /// <inheritdoc/>
    public override void ResetState() => _counts.Reset();

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static AUC FromConfig(JsonObject config) => new(Cfg.Int(config, "num_thresholds", 200), Cfg.String(config, "curve", "ROC"),
        Cfg.String(config, "summation_method", "interpolation"), Cfg.OptionalString(config, "name") ?? "auc", ConfusionCounts.ThresholdsOf(config),
        Cfg.Bool(config, "multi_label", false), Cfg.OptionalInt(config, "num_labels"),
        config["label_weights"] is JsonArray lw ? [.. lw.Select(v => v!.GetValue<double>())] : null, Cfg.Bool(config, "from_logits", false));
}
