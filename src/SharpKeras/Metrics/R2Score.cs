using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Coefficient of determination per output column (<c>keras.metrics.R2Score</c>), aggregated by
/// "uniform_average" (default), "variance_weighted_average" or null (one value per column in
/// <see cref="Metric.ResultValues"/>), adjusted for <see cref="NumRegressors"/> when it is non-zero.
/// </summary>
public sealed class R2Score : Metric, IKerasSerializable<R2Score>
{
    private double[] _sum = [];
    private double[] _squaredSum = [];
    private double[] _totalMse = [];
    private double[] _count = [];
    private double _numSamples;
    private float[] _trueBuffer = [];
    private float[] _predBuffer = [];

    /// <summary>Creates the metric.</summary>
    public R2Score(string? classAggregation = "uniform_average", int numRegressors = 0, string name = "r2_score") : base(name)
    {
        if (classAggregation is not null and not "uniform_average" and not "variance_weighted_average")
        {
            throw new ArgumentException($"{name}: invalid class_aggregation '{classAggregation}'; expected null, uniform_average or variance_weighted_average.", nameof(classAggregation));
        }
        if (numRegressors < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numRegressors), $"{name}: num_regressors must be non-negative, got {numRegressors}.");
        }
        ClassAggregation = classAggregation;
        NumRegressors = numRegressors;
    }

    /// <summary>How the per-column scores are combined.</summary>
    public string? ClassAggregation { get; }

    /// <summary>Independent variables for the adjusted R2 (0: plain R2).</summary>
    public int NumRegressors { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["class_aggregation"] = ClassAggregation;
        c["num_regressors"] = NumRegressors;
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (yTrue.Length != yPred.Length || yPred.Rank > 2)
        {
            throw new ArgumentException($"{Name}: expected targets and predictions of the same shape (batch, outputs), got {yTrue.Shape} and {yPred.Shape}.");
        }
        int rows = yPred.Rank == 0 ? 1 : yPred.Shape[0];
        int cols = yPred.Length / Math.Max(1, rows);
        if (sampleWeight is not null && sampleWeight.Length != rows && sampleWeight.Length != yPred.Length)
        {
            throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match {rows} samples.", nameof(sampleWeight));
        }
        if (_sum.Length == 0)
        {
            (_sum, _squaredSum, _totalMse, _count) = (new double[cols], new double[cols], new double[cols], new double[cols]);
        }
        else if (_sum.Length != cols)
        {
            throw new ArgumentException($"{Name}: predictions have {cols} outputs but earlier batches had {_sum.Length}.");
        }
        var t = SampleMeanMetric.Floats(yTrue, ref _trueBuffer);
        var p = SampleMeanMetric.Floats(yPred, ref _predBuffer);
        for (int r = 0; r < rows; r++)
        {
            bool any = false;
            for (int c = 0; c < cols; c++)
            {
                int j = r * cols + c;
                double w = sampleWeight is null ? 1 : sampleWeight.Length == rows ? sampleWeight.GetFloat(r) : sampleWeight.GetFloat(j);
                double y = t[j], d = y - p[j];
                _sum[c] += y * w;
                _squaredSum[c] += y * y * w;
                _totalMse[c] += d * d * w;
                _count[c] += w;
                any |= w != 0;
            }
            if (any)
            {
                _numSamples++;
            }
        }
    }

    private double[] RawScores()
    {
        var raw = new double[_sum.Length];
        for (int c = 0; c < raw.Length; c++)
        {
            double mean = _sum[c] / _count[c];
            double total = _squaredSum[c] - _sum[c] * mean;
            double v = 1 - _totalMse[c] / total;
            raw[c] = double.IsInfinity(v) ? 0 : v;
        }
        return raw;
    }

    private double Adjust(double r2)
    {
        if (NumRegressors == 0 || NumRegressors >= _numSamples - 1)
        {
            // Keras warns and falls back to the plain score in these cases.
            return r2;
        }
        return 1 - (1 - r2) * (_numSamples - 1) / (_numSamples - NumRegressors - 1);
    }

    /// <inheritdoc/>
    public override double Result()
    {
        var raw = RawScores();
        if (raw.Length == 0)
        {
            return 0;
        }
        if (ClassAggregation == "variance_weighted_average")
        {
            double ws = 0, w = 0;
            for (int c = 0; c < raw.Length; c++)
            {
                double total = _squaredSum[c] - _sum[c] * (_sum[c] / _count[c]);
                ws += total * raw[c];
                w += total;
            }
            return Adjust(ws / w);
        }
        return Adjust(raw.Average());
    }

    /// <inheritdoc/>
    public override double[] ResultValues() => ClassAggregation is null ? [.. RawScores().Select(Adjust)] : [Result()];

    /// <inheritdoc/>
    public override void ResetState()
    {
        Array.Clear(_sum);
        Array.Clear(_squaredSum);
        Array.Clear(_totalMse);
        Array.Clear(_count);
        _numSamples = 0;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static R2Score FromConfig(JsonObject config) => new(config.ContainsKey("class_aggregation") ? Cfg.OptionalString(config, "class_aggregation") : "uniform_average",
        Cfg.Int(config, "num_regressors", 0), Cfg.OptionalString(config, "name") ?? "r2_score");
}
