using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// F-beta score per class of (N, C) predictions (<c>keras.metrics.FBetaScore</c>): average null
/// (one value per class, see <see cref="Metric.ResultValues"/>; <see cref="Result"/> is their mean),
/// "micro", "macro" or "weighted"; threshold null marks each row's maximum as the prediction.
/// </summary>
public class FBetaScore : Metric, IKerasSerializable<FBetaScore>
{
    private double[] _tp = [];
    private double[] _fp = [];
    private double[] _fn = [];
    private double[] _weights = [];
    private float[] _trueBuffer = [];
    private float[] _predBuffer = [];

    /// <summary>Creates the metric.</summary>
    public FBetaScore(string? average = null, double beta = 1.0, double? threshold = null, string name = "fbeta_score") : base(name)
    {
        if (average is not null and not "micro" and not "macro" and not "weighted")
        {
            throw new ArgumentException($"{name}: invalid average '{average}'; expected null, \"micro\", \"macro\" or \"weighted\".", nameof(average));
        }
        if (!(beta > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), $"{name}: beta must be a positive number, got {beta}.");
        }
        if (threshold is double t && !(t > 0 && t <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"{name}: threshold must be in (0, 1], got {t}.");
        }
        Average = average;
        Beta = beta;
        Threshold = threshold;
    }

    /// <summary>null, "micro", "macro" or "weighted".</summary>
    public string? Average { get; }

    /// <summary>The weight of recall relative to precision.</summary>
    public double Beta { get; }

    /// <summary>Predictions above it count as positive; null takes each row's maximum.</summary>
    public double? Threshold { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta"] = Beta;
        c["average"] = Average;
        c["threshold"] = Threshold;
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (yPred.Rank != 2 || yTrue.Shape != yPred.Shape)
        {
            throw new ArgumentException($"{Name}: expected targets and predictions of the same shape (batch, classes), got {yTrue.Shape} and {yPred.Shape}.");
        }
        int rows = yPred.Shape[0], classes = yPred.Shape[1];
        if (sampleWeight is not null && sampleWeight.Length != rows)
        {
            throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match {rows} samples.", nameof(sampleWeight));
        }
        int slots = Average == "micro" ? 1 : classes;
        if (_tp.Length == 0)
        {
            (_tp, _fp, _fn, _weights) = (new double[slots], new double[slots], new double[slots], new double[slots]);
        }
        else if (_tp.Length != slots)
        {
            throw new ArgumentException($"{Name}: predictions have {classes} classes but earlier batches had {_tp.Length}.");
        }
        var t = SampleMeanMetric.Floats(yTrue, ref _trueBuffer);
        var p = SampleMeanMetric.Floats(yPred, ref _predBuffer);
        for (int r = 0; r < rows; r++)
        {
            var row = p.Slice(r * classes, classes);
            float max = float.NegativeInfinity;
            foreach (var v in row)
            {
                max = Math.Max(max, v);
            }
            double w = sampleWeight is null ? 1 : sampleWeight.GetFloat(r);
            for (int c = 0; c < classes; c++)
            {
                double pred = Threshold is double th ? (row[c] > (float)th ? 1 : 0) : (row[c] >= max && Math.Abs(row[c]) > 1e-9 ? 1 : 0);
                double truth = t[r * classes + c];
                int s = slots == 1 ? 0 : c;
                _tp[s] += w * pred * truth;
                _fp[s] += w * pred * (1 - truth);
                _fn[s] += w * (1 - pred) * truth;
                _weights[s] += w * truth;
            }
        }
    }

    /// <summary>The score of each slot (each class, or one for "micro").</summary>
    private double[] Scores()
    {
        const double eps = Losses.Loss.Epsilon;
        var f = new double[_tp.Length];
        double b2 = Beta * Beta;
        for (int i = 0; i < f.Length; i++)
        {
            double precision = _tp[i] / (_tp[i] + _fp[i] + eps);
            double recall = _tp[i] / (_tp[i] + _fn[i] + eps);
            f[i] = precision * recall / (b2 * precision + recall + eps) * (1 + b2);
        }
        return f;
    }

    /// <inheritdoc/>
    public override double[] ResultValues()
    {
        var f = Scores();
        if (Average is null)
        {
            return f;
        }
        return [ResultOf(f)];
    }

    private double ResultOf(double[] f)
    {
        if (f.Length == 0)
        {
            return 0;
        }
        if (Average == "weighted")
        {
            double total = _weights.Sum() + Losses.Loss.Epsilon;
            double s = 0;
            for (int i = 0; i < f.Length; i++)
            {
                s += f[i] * _weights[i] / total;
            }
            return s;
        }
        return f.Average();
    }

    /// <inheritdoc/>
    public override double Result() => ResultOf(Scores());

    /// <inheritdoc/>
    public override void ResetState()
    {
        Array.Clear(_tp);
        Array.Clear(_fp);
        Array.Clear(_fn);
        Array.Clear(_weights);
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static FBetaScore FromConfig(JsonObject config) => new(Cfg.OptionalString(config, "average"), Cfg.Double(config, "beta", 1.0),
        config["threshold"] is null ? null : Cfg.Double(config, "threshold"), Cfg.OptionalString(config, "name") ?? "fbeta_score");
}
