using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Buckets continuous values into ranges (<c>keras.layers.Discretization</c>): value x goes to bin i when
/// binBoundaries[i-1] &lt;= x &lt; binBoundaries[i]. The boundaries are given, or learnt as approximate
/// quantiles with <see cref="Adapt(Tensor)"/> for <c>numBins</c> bins (Keras's summary and
/// compression algorithm). Output "int" gives the bin indices (whole float32 values here; Keras's dtype is int64),
/// "one_hot", "multi_hot" and "count" float32 vectors of len(binBoundaries) + 1 values.
/// </summary>
public sealed class Discretization : Layer, IKerasSerializable<Discretization>
{
    // Keras's running summary: row 0 the values, row 1 their weights.
    private double[] _summaryValues = [];
    private double[] _summaryWeights = [];
    private double[]? _binBoundaries;

    /// <summary>A Discretization layer with either fixed <paramref name="binBoundaries"/> or <paramref name="numBins"/> learnt by Adapt (Keras's defaults: epsilon 0.01, output_mode "int").</summary>
    public Discretization(double[]? binBoundaries = null, int? numBins = null, double epsilon = 0.01, string outputMode = "int", bool sparse = false, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"Discretization layer '{name ?? "discretization"}'";
        if (outputMode != "int" && !CategoricalEncoding.VectorModes.Contains(outputMode))
        {
            throw new ArgumentException($"{who}: output_mode must be one of \"int\", \"one_hot\", \"multi_hot\", \"count\", got \"{outputMode}\".", nameof(outputMode));
        }
        if (sparse)
        {
            throw new NotSupportedException($"{who}: sparse=True is not supported (SharpKeras has no sparse tensors, as Keras's torch backend has none).");
        }
        if (numBins is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numBins), $"{who}: num_bins must be greater than or equal to 0, got {numBins}.");
        }
        if (numBins is not null && binBoundaries is not null)
        {
            throw new ArgumentException($"{who}: both num_bins ({numBins}) and bin_boundaries ([{string.Join(", ", binBoundaries)}]) are set; set only one.");
        }
        if (numBins is null && binBoundaries is null)
        {
            throw new ArgumentException($"{who}: you need to set either num_bins or bin_boundaries.");
        }
        if (binBoundaries is not null)
        {
            for (int i = 1; i < binBoundaries.Length; i++)
            {
                if (!(binBoundaries[i] >= binBoundaries[i - 1]))
                {
                    throw new ArgumentException($"{who}: bin_boundaries must be sorted ascending, but element {i} ({binBoundaries[i]}) is below element {i - 1} ({binBoundaries[i - 1]}).", nameof(binBoundaries));
                }
            }
        }
        _binBoundaries = binBoundaries is null ? null : [.. binBoundaries];
        NumBins = numBins;
        Epsilon = epsilon;
        OutputMode = outputMode;
    }

    /// <summary>The bin boundaries (given, or learnt by Adapt; null before then).</summary>
    public IReadOnlyList<double>? BinBoundaries => _binBoundaries;

    /// <summary>The number of bins Adapt learns (null when the boundaries were given).</summary>
    public int? NumBins { get; }

    /// <summary>The error tolerance of the quantile summary Adapt keeps.</summary>
    public double Epsilon { get; }

    /// <summary>"int", "one_hot", "multi_hot" or "count".</summary>
    public string OutputMode { get; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        OutputMode == "int" ? inputShape : CategoricalEncoding.OutputShape(inputShape, OutputMode, (_binBoundaries?.Length ?? NumBins - 1 ?? 0) + 1);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var bounds = _binBoundaries ?? throw new InvalidOperationException(
            $"Discretization layer '{Name}': you need to either pass bin_boundaries at construction time or call Adapt(data) before you can use the layer.");
        var values = inputs.ToArray();
        var indices = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            // The number of boundaries <= x (np.digitize with right=False).
            int lo = 0, hi = bounds.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (bounds[mid] <= values[i])
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            indices[i] = lo;
        }
        // "int" gives the indices as whole float32 values: model outputs, Predict's batching and the
        // symbolic tensors of the functional API are float32 here, where Keras's dtype is int64.
        return OutputMode == "int"
            ? Tensor.FromArray([.. indices.Select(i => (float)i)], inputs.Shape.ToArray())
            : CategoricalEncoding.Encode(this, indices, inputs.Shape, OutputMode, bounds.Length + 1);
    }

    /// <summary>Learns numBins - 1 boundaries as approximate quantiles of <paramref name="data"/> (Keras's <c>adapt</c> on an array).</summary>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Adapt([data]);
    }

    /// <summary>Learns the boundaries from a stream of batches, merging each batch's summary as Keras's <c>adapt</c> on a dataset does.</summary>
    public void Adapt(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (NumBins is not { } numBins)
        {
            throw new InvalidOperationException($"Discretization layer '{Name}' was initialized with bin_boundaries and cannot be adapted; use num_bins instead.");
        }
        _summaryValues = [];
        _summaryWeights = [];
        foreach (var batch in batches)
        {
            var (v, w) = Summarize(batch.ToArray(), Epsilon);
            (_summaryValues, _summaryWeights) = Merge(v, w, _summaryValues, _summaryWeights, Epsilon);
        }
        var (bins, _) = Compress(_summaryValues, _summaryWeights, 1.0 / numBins);
        _binBoundaries = bins.Length == 0 ? [] : bins[..^1];
    }

    // Keras's summarize: sorted values sampled every 1/epsilon-th of the data, each weighted by the step.
    private static (double[] Values, double[] Weights) Summarize(float[] values, double epsilon)
    {
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        double increment = sorted.Length / (1.0 / epsilon);
        int start = (int)increment;
        double step = Math.Max(increment, 1);
        int stride = (int)step;
        var picked = new List<double>();
        for (int i = start; i < sorted.Length; i += stride)
        {
            picked.Add(sorted[i]);
        }
        // NumPy keeps the summary in float32: the weights are float32(step).
        return ([.. picked], [.. Enumerable.Repeat((double)(float)step, picked.Count)]);
    }

    private static (double[] Values, double[] Weights) Merge(double[] v1, double[] w1, double[] v2, double[] w2, double epsilon)
    {
        var values = v1.Concat(v2).ToArray();
        var weights = w1.Concat(w2).ToArray();
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        return Compress([.. order.Select(i => values[i])], [.. order.Select(i => weights[i])], epsilon);
    }

    // Keras's compress_summary: new bins at evenly spaced cumulative-weight fractions, by linear interpolation.
    private static (double[] Values, double[] Weights) Compress(double[] values, double[] weights, double epsilon)
    {
        if (values.Length * epsilon < 1)
        {
            return (values, weights);
        }
        int count = (int)Math.Ceiling((1.0 - 0.0) / epsilon);
        var percents = new double[count];
        for (int i = 0; i < count; i++)
        {
            percents[i] = epsilon + i * epsilon;
        }
        var cum = new double[weights.Length];
        float running = 0f;
        for (int i = 0; i < weights.Length; i++)
        {
            running += (float)weights[i];
            cum[i] = running;
        }
        var cumPercents = cum.Select(c => (double)(float)(c / cum[^1])).ToArray();
        var newBins = percents.Select(p => Interp(p, cumPercents, values)).ToArray();
        var newCum = percents.Select(p => Interp(p, cumPercents, cum)).ToArray();
        var newWeights = new double[count];
        for (int i = 0; i < count; i++)
        {
            newWeights[i] = (float)(newCum[i] - (i == 0 ? 0 : newCum[i - 1]));
        }
        return ([.. newBins.Select(b => (double)(float)b)], newWeights);
    }

    // NumPy's interp: clamped at the ends, linear between the neighbouring points.
    private static double Interp(double x, double[] xp, double[] fp)
    {
        if (x <= xp[0])
        {
            return fp[0];
        }
        if (x >= xp[^1])
        {
            return fp[^1];
        }
        int lo = 0, hi = xp.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (xp[mid] <= x)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        if (xp[lo] == x)
        {
            return fp[lo];
        }
        double slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
        return slope * (x - xp[lo]) + fp[lo];
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        // Keras's Discretization writes exactly these keys (no trainable; its dtype as a plain string).
        ["bin_boundaries"] = _binBoundaries is null ? null : new JsonArray([.. _binBoundaries.Select(b => (JsonNode)b)]),
        ["num_bins"] = NumBins,
        ["epsilon"] = Epsilon,
        ["output_mode"] = OutputMode,
        ["sparse"] = false,
        ["name"] = Name,
        ["dtype"] = OutputMode == "int" ? "int64" : "float32",
    };

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>: adapted boundaries come back with num_bins).</summary>
    public static Discretization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        double[]? bounds = config["bin_boundaries"] is JsonArray a
            ? [.. a.Select(n => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : throw Cfg.Wrong(config, "bin_boundaries", "a list of numbers", config["bin_boundaries"]))]
            : config["bin_boundaries"] is null ? null : throw Cfg.Wrong(config, "bin_boundaries", "a list of numbers or null", config["bin_boundaries"]);
        var numBins = Cfg.OptionalInt(config, "num_bins");
        var layer = new Discretization(numBins is null ? bounds : null, numBins, Cfg.Double(config, "epsilon", 0.01), Cfg.String(config, "output_mode", "int"),
            Cfg.Bool(config, "sparse", false), Cfg.Name(config));
        if (numBins is not null)
        {
            layer._binBoundaries = bounds;
        }
        return layer;
    }
}
