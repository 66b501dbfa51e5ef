namespace SharpKeras.Metrics;

/// <summary>
/// Keras's update_confusion_matrix_variables for one label set (multi_label=False): weighted true /
/// false positive / negative counts per threshold. Evenly spaced thresholds take Keras's bucket path
/// (one pass, then a suffix sum), others compare every prediction with every threshold. All buffers
/// are made once, so an update allocates nothing.
/// </summary>
internal sealed class ConfusionCounts
{
    private readonly float[] _thresholds;
    private readonly bool _evenly;
    private readonly bool _withEpsilon;
    private readonly double[] _posBuckets;
    private readonly double[] _negBuckets;
    private float[] _predBuffer = [];
    private float[] _trueBuffer = [];

    public ConfusionCounts(float[] thresholds, bool evenly)
    {
        _thresholds = thresholds;
        _evenly = evenly;
        _withEpsilon = evenly && (thresholds[0] < 0 || thresholds[^1] > 1);
        Tp = new double[thresholds.Length];
        Fp = new double[thresholds.Length];
        Tn = new double[thresholds.Length];
        Fn = new double[thresholds.Length];
        _posBuckets = new double[thresholds.Length];
        _negBuckets = new double[thresholds.Length];
    }

    public double[] Tp { get; }

    public double[] Fp { get; }

    public double[] Tn { get; }

    public double[] Fn { get; }

    public int Count => _thresholds.Length;

    public void Reset()
    {
        Array.Clear(Tp);
        Array.Clear(Fp);
        Array.Clear(Tn);
        Array.Clear(Fn);
    }

    /// <summary>Keras's is_evenly_distributed_thresholds: at least 3 thresholds equal to i / (n - 1).</summary>
    public static bool Evenly(float[] thresholds)
    {
        int n = thresholds.Length;
        if (n < 3)
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            double even = (double)(float)((float)i / (n - 1));
            if (Math.Abs(thresholds[i] - even) > 1e-7 + 1e-5 * Math.Abs(even))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Adds one batch; <paramref name="classId"/> keeps one column, <paramref name="topK"/> keeps the k highest per row.</summary>
    public void Update(string name, Tensor yTrue, Tensor yPred, Tensor? sampleWeight, int? topK = null, int? classId = null, bool sigmoid = false,
        double[]? labelWeights = null)
    {
        if (yTrue.Length != yPred.Length)
        {
            throw new ArgumentException($"{name}: targets of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}; they must have the same number of elements.");
        }
        var t = SampleMeanMetric.Floats(yTrue, ref _trueBuffer);
        var p = SampleMeanMetric.Floats(yPred, ref _predBuffer);
        int width = yPred.Rank >= 2 ? yPred.Shape[-1] : 1;
        int samples = yPred.Rank >= 1 ? yPred.Shape[0] : 1;
        int topWidth = yPred.Rank >= 1 ? yPred.Shape[-1] : 1;
        int perSample = yPred.Length / Math.Max(1, samples);
        if (sampleWeight is not null && sampleWeight.Length != samples && sampleWeight.Length != yPred.Length && sampleWeight.Length != 1)
        {
            throw new ArgumentException($"{name}: sample weights of shape {sampleWeight.Shape} do not match predictions of shape {yPred.Shape}; give one weight per sample ({samples}).", nameof(sampleWeight));
        }
        if (classId is int c && (c < 0 || c >= width))
        {
            throw new ArgumentOutOfRangeException(nameof(classId), $"{name}: class_id {c} is outside the {width} prediction columns.");
        }
        int n = _thresholds.Length;
        Array.Clear(_posBuckets);
        Array.Clear(_negBuckets);
        double totalPos = 0, totalNeg = 0;
        for (int j = 0; j < yPred.Length; j++)
        {
            int col = j % width;
            if (classId is int cls && col != cls)
            {
                continue;
            }
            double w = sampleWeight is null ? 1
                : sampleWeight.Length == yPred.Length ? sampleWeight.GetFloat(j)
                : sampleWeight.Length == 1 ? sampleWeight.GetFloat(0) : sampleWeight.GetFloat(j / perSample);
            if (labelWeights is not null)
            {
                w *= labelWeights[col];
            }
            float pred = p[j];
            if (sigmoid)
            {
                pred = 1f / (1f + MathF.Exp(-pred));
            }
            // top_k ranks along the last axis, also of a rank-1 prediction vector (as Keras's _filter_top_k).
            int topCol = j % topWidth;
            if (topK is int k && !InTopK(p.Slice(j - topCol, topWidth), topCol, k))
            {
                pred = float.NegativeInfinity;
            }
            bool positive = t[j] != 0;
            if (positive)
            {
                totalPos += w;
            }
            else
            {
                totalNeg += w;
            }
            if (_evenly)
            {
                float clipped = Math.Clamp(pred, 0f, 1f);
                int bucket = (int)MathF.Ceiling(clipped * (n - 1)) - 1;
                if (_withEpsilon)
                {
                    bucket = Math.Max(bucket, 0);
                }
                if (bucket >= 0)
                {
                    (positive ? _posBuckets : _negBuckets)[bucket] += w;
                }
            }
            else
            {
                var target = positive ? _posBuckets : _negBuckets;
                for (int i = 0; i < n; i++)
                {
                    if (pred > _thresholds[i])
                    {
                        target[i] += w;
                    }
                }
            }
        }
        double tpRun = 0, fpRun = 0;
        for (int i = n - 1; i >= 0; i--)
        {
            double tp, fp;
            if (_evenly)
            {
                tpRun += _posBuckets[i];
                fpRun += _negBuckets[i];
                (tp, fp) = (tpRun, fpRun);
            }
            else
            {
                (tp, fp) = (_posBuckets[i], _negBuckets[i]);
            }
            Tp[i] += tp;
            Fp[i] += fp;
            Tn[i] += totalNeg - fp;
            Fn[i] += totalPos - tp;
        }
    }

    /// <summary>Whether column <paramref name="col"/> is among the k highest of its row (ties go to the earlier column).</summary>
    private static bool InTopK(ReadOnlySpan<float> row, int col, int k)
    {
        float v = row[col];
        int ahead = 0;
        for (int i = 0; i < row.Length; i++)
        {
            if (row[i] > v || (row[i] == v && i < col))
            {
                ahead++;
            }
        }
        return ahead < k;
    }

    /// <summary>a / b, or 0 when b is 0 (Keras's divide_no_nan).</summary>
    public static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;

    /// <summary>Keras's SensitivitySpecificityBase thresholds: 0, (i + 1) / (n - 1), ..., 1 (evenly spaced), or 0.5 alone for n = 1.</summary>
    public static ConfusionCounts ForSearch(int numThresholds)
    {
        if (numThresholds == 1)
        {
            return new ConfusionCounts([0.5f], evenly: false);
        }
        var t = new float[numThresholds];
        for (int i = 1; i < numThresholds - 1; i++)
        {
            t[i] = (float)(i * 1.0 / (numThresholds - 1));
        }
        t[^1] = 1f;
        return new ConfusionCounts(t, evenly: true);
    }

    /// <summary>Keras's parse_init_thresholds: null gives the default, one number or a list of numbers in [0, 1].</summary>
    public static float[] Thresholds(string name, double[]? thresholds, double fallback)
    {
        var list = thresholds ?? [fallback];
        foreach (var v in list)
        {
            if (thresholds is not null && (v < 0 || v > 1))
            {
                throw new ArgumentOutOfRangeException(nameof(thresholds), $"{name}: threshold values must be in [0, 1], got {v}.");
            }
        }
        return [.. list.Select(v => (float)v)];
    }

    /// <summary>The "thresholds" config value: null, a number or a list.</summary>
    public static System.Text.Json.Nodes.JsonNode? ThresholdsNode(double[]? thresholds) => thresholds is null ? null
        : thresholds.Length == 1 ? System.Text.Json.Nodes.JsonValue.Create(thresholds[0])
        : new System.Text.Json.Nodes.JsonArray([.. thresholds.Select(t => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(t))]);

    /// <summary>Reads "thresholds" from a config: null, a number or a list.</summary>
    public static double[]? ThresholdsOf(System.Text.Json.Nodes.JsonObject config, string key = "thresholds") => config[key] switch
    {
        null => null,
        System.Text.Json.Nodes.JsonArray a => [.. a.Select(v => v!.GetValue<double>())],
        var v => [v.GetValue<double>()],
    };
}
