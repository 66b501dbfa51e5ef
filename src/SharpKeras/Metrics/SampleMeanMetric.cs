namespace SharpKeras.Metrics;

/// <summary>
/// Base of Keras's MeanMetricWrapper metrics computed here row by row without allocating: each row
/// of the last axis gives a value, a sample's value is the mean of its rows, and the result is the
/// sample-weighted mean over everything seen since the last reset (Keras's reduce_to_samplewise_values).
/// </summary>
public abstract class SampleMeanMetric(string name) : Metric(name)
{
    private double _total;
    private double _count;
    private float[] _trueBuffer = [];
    private float[] _predBuffer = [];

    /// <summary>True when labels are class indices (one per row) rather than rows as wide as the predictions.</summary>
    protected virtual bool SparseLabels => false;

    /// <summary>The value of one row: labels and predictions of one position along the last axis.</summary>
    protected abstract double RowValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred);

    /// <summary>Sees the whole batch of labels before the rows (hinge metrics decide there whether labels are 0/1).</summary>
    protected virtual void BeginBatch(ReadOnlySpan<float> yTrue)
    {
    }

    /// <summary>The weighted sum of sample values so far.</summary>
    protected double Total => _total;

    /// <summary>The sum of sample weights so far.</summary>
    protected double Count => _count;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        int width = yPred.Rank >= 2 ? yPred.Shape[-1] : 1;
        int samples = yPred.Rank >= 1 ? yPred.Shape[0] : 1;
        int rows = yPred.Length / Math.Max(1, width);
        int tWidth = SparseLabels ? 1 : width;
        if (yTrue.Length != rows * tWidth)
        {
            throw new ArgumentException(SparseLabels
                ? $"{Name}: integer labels of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}; expected one label per row ({rows})."
                : $"{Name}: targets of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}; they must have the same number of elements.");
        }
        var t = Floats(yTrue, ref _trueBuffer);
        var p = Floats(yPred, ref _predBuffer);
        int rowsPerSample = Math.Max(1, rows / Math.Max(1, samples));
        int weightsPerSample = 0;
        if (sampleWeight is not null)
        {
            weightsPerSample = sampleWeight.Length == samples ? 1 : sampleWeight.Length == rows ? rowsPerSample : sampleWeight.Length == 1 ? -1 : 0;
            if (weightsPerSample == 0)
            {
                throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match predictions of shape {yPred.Shape}; give one weight per sample ({samples}).", nameof(sampleWeight));
            }
        }
        BeginBatch(t[..yTrue.Length]);
        for (int s = 0; s < samples; s++)
        {
            double total = 0, count = 0;
            for (int r = s * rowsPerSample; r < (s + 1) * rowsPerSample && r < rows; r++)
            {
                double w = weightsPerSample switch
                {
                    0 => 1,
                    -1 => sampleWeight!.GetFloat(0),
                    1 => sampleWeight!.GetFloat(s),
                    _ => sampleWeight!.GetFloat(r),
                };
                total += w * RowValue(t.Slice(r * tWidth, tWidth), p.Slice(r * width, width));
                count += w;
            }
            _total += total / rowsPerSample;
            _count += count / rowsPerSample;
        }
    }

    /// <summary>The elements as floats: the tensor's own storage when it is float32, else a reused buffer.</summary>
    internal static ReadOnlySpan<float> Floats(Tensor x, ref float[] buffer)
    {
        if (x.IsFloat)
        {
            return x.Span;
        }
        if (buffer.Length < x.Length)
        {
            buffer = new float[x.Length];
        }
        x.CopyToFloats(buffer);
        return buffer.AsSpan(0, x.Length);
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc/>
    public override void ResetState() => (_total, _count) = (0, 0);

    internal override int StateLength => 2;

    internal override void GetState(Span<double> state) => (state[0], state[1]) = (_total, _count);

    internal override void SetState(ReadOnlySpan<double> state) => (_total, _count) = (state[0], state[1]);

    /// <summary>Index of the largest value (the first on ties), as Keras's argmax.</summary>
    private protected static int ArgmaxRow(ReadOnlySpan<float> row) => Argmax(row);

    /// <summary>Index of the largest value (the first on ties).</summary>
    internal static int Argmax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>Keras's in_top_k: the target's score is at least the k-th largest (fewer than k scores beat it).</summary>
    private protected static bool InTopK(ReadOnlySpan<float> row, int target, int k)
    {
        if (target < 0 || target >= row.Length)
        {
            return false;
        }
        float v = row[target];
        int greater = 0;
        foreach (var x in row)
        {
            if (x > v)
            {
                greater++;
            }
        }
        return greater < k;
    }
}
