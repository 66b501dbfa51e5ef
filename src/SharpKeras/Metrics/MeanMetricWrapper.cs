using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Keras's MeanMetricWrapper: the sample-weighted mean of a per-sample function, here a loss
/// (<c>new MeanMetricWrapper(new Huber(0.5), "huber")</c>, saved with the loss under "fn") or any
/// delegate (not saveable). A wrapped loss or delegate runs its ops, so it allocates per batch; the
/// crossentropy metrics derived from it have a row form that reads the tensors in place instead.
/// </summary>
public class MeanMetricWrapper : Metric, IKerasSerializable<MeanMetricWrapper>
{
    private readonly Func<Tensor, Tensor, Tensor> _fn;
    private readonly Losses.Loss? _loss;
    private readonly Mean _mean;
    private float[] _trueBuffer = [];
    private float[] _predBuffer = [];

    /// <summary>Wraps a loss: its per-sample values (<see cref="Losses.Loss.Call"/>) are averaged.</summary>
    public MeanMetricWrapper(Losses.Loss loss, string? name = null) : base(name ?? (loss ?? throw new ArgumentNullException(nameof(loss))).Name)
    {
        _loss = loss;
        _fn = loss.Call;
        _mean = new Mean(Name);
    }

    /// <summary>Wraps a function returning one value per sample.</summary>
    public MeanMetricWrapper(Func<Tensor, Tensor, Tensor> fn, string name) : base(name)
    {
        _fn = fn ?? throw new ArgumentNullException(nameof(fn));
        _mean = new Mean(name);
    }

    /// <summary>The wrapped loss, when the metric was made from one.</summary>
    public Losses.Loss? Loss => _loss;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["fn"] = _loss is null
            ? throw new NotSupportedException($"MeanMetricWrapper '{Name}' wraps a delegate, which cannot be saved; wrap a Loss to save it.")
            : KerasSerializer.Serialize(_loss);
        return c;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (TryUpdateRows(yTrue, yPred, sampleWeight))
        {
            return;
        }
        var values = _fn(yTrue, yPred);
        int samples = values.Rank == 0 ? 1 : values.Shape[0];
        int per = values.Length / Math.Max(1, samples);
        if (sampleWeight is not null && sampleWeight.Length != samples)
        {
            throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match {samples} samples.", nameof(sampleWeight));
        }
        for (int s = 0; s < samples; s++)
        {
            double v = 0;
            for (int i = 0; i < per; i++)
            {
                v += values.GetFloat(s * per + i);
            }
            _mean.Update(v / per, sampleWeight is null ? 1 : sampleWeight.GetFloat(s));
        }
    }

    /// <summary>True when <see cref="RowValue"/> gives the wrapped function's value of one row along the last axis.</summary>
    private protected virtual bool HasRowForm => false;

    /// <summary>True when the row form takes one class index per row as the label.</summary>
    private protected virtual bool SparseRowLabels => false;

    /// <summary>The wrapped function's value of one row: labels (or one class index) and predictions along the last axis.</summary>
    private protected virtual double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) =>
        throw new NotSupportedException($"{Name} has no row form.");

    // The compiled step calls the metric every batch; the row form reads the tensors in place so that
    // call allocates nothing. Shapes and weights it does not cover go through the wrapped function,
    // which also raises the errors for shapes that do not match.
    private bool TryUpdateRows(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (!HasRowForm || yTrue is null || yPred is null || yPred.Rank < 2)
        {
            return false;
        }
        int width = yPred.Shape[-1];
        int samples = yPred.Shape[0];
        int rows = yPred.Length / Math.Max(1, width);
        bool shapesFit = SparseRowLabels
            ? yTrue.Length == rows && (yTrue.Rank == yPred.Rank - 1 || (yTrue.Rank == yPred.Rank && yTrue.Shape[-1] == 1))
            : yTrue.Shape == yPred.Shape;
        if (!shapesFit || width == 0 || samples == 0 || (sampleWeight is not null && sampleWeight.Length != samples))
        {
            return false;
        }
        var t = SampleMeanMetric.Floats(yTrue, ref _trueBuffer);
        var p = SampleMeanMetric.Floats(yPred, ref _predBuffer);
        int tWidth = SparseRowLabels ? 1 : width;
        int rowsPerSample = rows / samples;
        for (int s = 0; s < samples; s++)
        {
            double v = 0;
            for (int r = s * rowsPerSample; r < (s + 1) * rowsPerSample; r++)
            {
                v += RowValue(t.Slice(r * tWidth, tWidth), p.Slice(r * width, width));
            }
            _mean.Update(v / rowsPerSample, sampleWeight is null ? 1 : sampleWeight.GetFloat(s));
        }
        return true;
    }

    /// <summary>Keras's crossentropy of one row of probabilities against one class index (sparse labels), after renormalising the row.</summary>
    private protected static double SparseRow(float label, ReadOnlySpan<float> yPred, bool fromLogits, string name)
    {
        int classes = yPred.Length;
        if (!(label >= 0 && label < classes) || label != MathF.Floor(label))
        {
            throw new ArgumentOutOfRangeException(nameof(label), $"{name}: label {label} is outside the valid range [0, {classes}) for predictions with {classes} classes.");
        }
        int target = (int)label;
        if (fromLogits)
        {
            double max = Max(yPred);
            return -(yPred[target] - max - Math.Log(SumExp(yPred, max)));
        }
        return -Math.Log(ClampProbability(yPred[target] / Sum(yPred)));
    }

    /// <summary>Keras's categorical crossentropy of one row (targets already smoothed by the caller through <paramref name="smoothing"/>).</summary>
    private protected static double CategoricalRow(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, bool fromLogits, double smoothing)
    {
        int classes = yPred.Length;
        double total = 0;
        if (fromLogits)
        {
            double max = Max(yPred);
            double logSum = Math.Log(SumExp(yPred, max));
            for (int j = 0; j < classes; j++)
            {
                total += Smooth(yTrue[j], smoothing, smoothing / classes) * (yPred[j] - max - logSum);
            }
            return -total;
        }
        double sum = Sum(yPred);
        for (int j = 0; j < classes; j++)
        {
            total += Smooth(yTrue[j], smoothing, smoothing / classes) * Math.Log(ClampProbability(yPred[j] / sum));
        }
        return -total;
    }

    /// <summary>Keras's binary crossentropy of one row: the mean over its elements.</summary>
    private protected static double BinaryRow(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, bool fromLogits, double smoothing)
    {
        double total = 0;
        for (int j = 0; j < yPred.Length; j++)
        {
            double t = Smooth(yTrue[j], smoothing, 0.5 * smoothing);
            double x = yPred[j];
            if (fromLogits)
            {
                // max(x, 0) - x t + log(1 + exp(-|x|)), the stable form the loss uses.
                total += Math.Max(x, 0) - (x * t) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            }
            else
            {
                double c = ClampProbability(x);
                total -= (t * Math.Log(c)) + ((1 - t) * Math.Log(1 - c));
            }
        }
        return total / yPred.Length;
    }

    private static double Smooth(float t, double smoothing, double offset) => smoothing == 0 ? t : (t * (1 - smoothing)) + offset;

    // The loss clips in float32 to [eps, 1 - eps]; the same float bounds keep the two forms equal.
    private static double ClampProbability(double p) => Math.Clamp(p, Losses.Loss.Epsilon, 1f - Losses.Loss.Epsilon);

    private static double Max(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (float z in row)
        {
            max = Math.Max(max, z);
        }
        return max;
    }

    private static double Sum(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (float z in row)
        {
            sum += z;
        }
        return sum;
    }

    private static double SumExp(ReadOnlySpan<float> row, double max)
    {
        double sum = 0;
        foreach (float z in row)
        {
            sum += Math.Exp(z - max);
        }
        return sum;
    }

    internal override int StateLength => 2;

    internal override void GetState(Span<double> state) => _mean.GetState(state);

    internal override void SetState(ReadOnlySpan<double> state) => _mean.SetState(state);

    /// <inheritdoc/>
    public override double Result() => _mean.Result();

    /// <inheritdoc/>
    public override void ResetState() => _mean.ResetState();

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>); "fn" must name or serialize a loss.</summary>
    public static MeanMetricWrapper FromConfig(JsonObject config) =>
        new(KerasSerializer.Loss(config["fn"] ?? throw Cfg.Missing(config, "fn", "a loss")), Cfg.OptionalString(config, "name"));
}
