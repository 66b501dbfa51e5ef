using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Shifts and scales inputs to mean 0 and variance 1 per position of the kept axes
/// (<c>keras.layers.Normalization</c>): (x - mean) / max(sqrt(variance), 1e-7), or with invert
/// mean + x * max(sqrt(variance), 1e-7). The mean and variance are given, or learnt with
/// <see cref="Adapt(Tensor)"/> and then held in non-trainable weights "mean", "variance" and
/// "count" that save and load with the model, as Keras's do.
/// </summary>
public sealed class Normalization : Layer, IKerasSerializable<Normalization>
{
    // Keras's backend.epsilon(): the floor of the standard deviation.
    private const float Epsilon = 1e-7f;

    private readonly double[]? _inputMean;
    private readonly double[]? _inputVariance;
    private readonly int[]? _inputMeanShape;
    private Variable? _mean;
    private Variable? _variance;
    private Variable? _count;
    private Tensor? _givenMean;
    private Tensor? _givenVariance;
    private int[] _keepAxes = [];
    private int[] _reduceAxes = [];
    private int[] _broadcastShape = [];
    private int[] _statsShape = [];

    /// <summary>A Normalization layer keeping one axis (Keras's default axis=-1: a mean and variance per feature).</summary>
    public Normalization(int axis = -1, double[]? mean = null, double[]? variance = null, bool invert = false, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this([axis], mean, variance, invert, name, null, inputShape, batchSize)
    {
    }

    /// <summary>A Normalization layer keeping the given axes; an empty list is Keras's axis=None (one scalar mean and variance).</summary>
    public Normalization(int[] axis, double[]? mean = null, double[]? variance = null, bool invert = false, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this(axis, mean, variance, invert, name, null, inputShape, batchSize)
    {
    }

    private Normalization(int[] axis, double[]? mean, double[]? variance, bool invert, string? name, int[]? meanShape, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(axis);
        string who = $"Normalization layer '{name ?? "normalization"}'";
        if ((mean is null) != (variance is null))
        {
            throw new ArgumentException($"{who}: when setting values directly, both mean and variance must be set; got mean={(mean is null ? "null" : "given")} and variance={(variance is null ? "null" : "given")}.");
        }
        if (mean is not null && mean.Length != variance!.Length)
        {
            throw new ArgumentException($"{who}: mean and variance must have the same shape; got {mean.Length} and {variance.Length} values.");
        }
        Axis = [.. axis];
        Invert = invert;
        _inputMean = mean is null ? null : [.. mean];
        _inputVariance = variance is null ? null : [.. variance];
        _inputMeanShape = meanShape;
    }

    /// <summary>The kept axes (empty: Keras's axis=None).</summary>
    public IReadOnlyList<int> Axis { get; }

    /// <summary>Whether the layer undoes a normalization (mean + x * std) instead of applying it.</summary>
    public bool Invert { get; }

    /// <summary>The mean used, broadcastable against the input (null before the layer is built).</summary>
    public Tensor? Mean => _givenMean ?? (_mean is null ? null : Ops.Reshape(_mean.Value, _broadcastShape));

    /// <summary>The variance used, broadcastable against the input (null before the layer is built).</summary>
    public Tensor? Variance => _givenVariance ?? (_variance is null ? null : Ops.Reshape(_variance.Value, _broadcastShape));

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        int ndim = inputShape.Rank;
        foreach (var a in Axis)
        {
            if (a < -ndim || a >= ndim)
            {
                throw new ArgumentException($"Normalization layer '{Name}': all axis values must be in the range [-ndim, ndim) = [{-ndim}, {ndim}); got axis {a} for inputs of shape {inputShape}.");
            }
        }
        _keepAxes = [.. Axis.Select(a => a < 0 ? a + ndim : a).Distinct().Order()];
        foreach (var d in _keepAxes)
        {
            if (inputShape[d] < 0)
            {
                throw new ArgumentException($"Normalization layer '{Name}': every kept axis must have a known size; axis {d} of input shape {inputShape} is unknown.");
            }
        }
        _reduceAxes = [.. Enumerable.Range(0, ndim).Where(d => !_keepAxes.Contains(d))];
        _broadcastShape = [.. Enumerable.Range(0, ndim).Select(d => _keepAxes.Contains(d) ? inputShape[d] : 1)];
        _statsShape = [.. _keepAxes.Select(d => inputShape[d])];
        if (_inputMean is null)
        {
            _mean = AddWeight("mean", new Shape(_statsShape), new Initializers.Zeros(), trainable: false);
            _variance = AddWeight("variance", new Shape(_statsShape), new Initializers.Ones(), trainable: false);
            // Keras's "count" (an int64 scalar that Keras 3.11 creates but never updates), held as float32 here.
            _count = AddWeight("count", Shape.Scalar, new Initializers.Zeros(), trainable: false);
            return;
        }
        _givenMean = Broadcast(_inputMean, "mean");
        _givenVariance = Broadcast(_inputVariance!, "variance");
    }

    // As Keras: a scalar broadcasts everywhere; otherwise the values fill the trailing kept axes.
    private Tensor Broadcast(double[] values, string what)
    {
        int size = _broadcastShape.Aggregate(1, (p, d) => p * d);
        var data = new float[size];
        if (values.Length == 1)
        {
            Array.Fill(data, (float)values[0]);
            return Tensor.FromArray(data, _broadcastShape);
        }
        var shape = _inputMeanShape ?? [values.Length];
        if (shape.Length > _keepAxes.Length)
        {
            throw new ArgumentException($"Normalization layer '{Name}': the rank of {what} ({shape.Length}) must be at most the number of kept axes ({_keepAxes.Length}).");
        }
        var expanded = Enumerable.Repeat(1, _broadcastShape.Length).ToArray();
        for (int i = 1; i <= shape.Length; i++)
        {
            expanded[_keepAxes[^i]] = shape[^i];
        }
        int expandedSize = expanded.Aggregate(1, (p, d) => p * d);
        if (expandedSize != values.Length || expanded.Where((d, i) => d != 1 && d != _broadcastShape[i]).Any())
        {
            throw new ArgumentException($"Normalization layer '{Name}': {what} has {values.Length} values (shape [{string.Join(", ", shape)}]), which do not broadcast to the kept axes of shape [{string.Join(", ", _statsShape)}].");
        }
        var small = Tensor.FromArray(values.Select(v => (float)v).ToArray(), expanded);
        return Ops.Add(small, Tensor.Zeros(new Shape(_broadcastShape)));
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        if (inputShape.Rank != _broadcastShape.Length || _keepAxes.Any(d => inputShape[d] >= 0 && inputShape[d] != _broadcastShape[d]))
        {
            throw IncompatibleInput(inputShape, $"expected rank {_broadcastShape.Length} with kept axes ({string.Join(", ", _keepAxes)}) of sizes ({string.Join(", ", _keepAxes.Select(d => _broadcastShape[d]))})");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.IsFloat ? inputs : Ops.Cast(inputs, DType.Float32);
        var sqrt = Ops.Sqrt(Variance!);
        var std = Ops.Maximum(sqrt, Tensor.Full(sqrt.Shape, Epsilon));
        return Invert ? Ops.Add(Mean!, Ops.Multiply(x, std)) : Ops.Divide(Ops.Subtract(x, Mean!), std);
    }

    /// <summary>
    /// Computes the mean and the (population) variance of <paramref name="data"/> over the reduced axes
    /// (Keras's <c>adapt</c> on an array), building the layer for its shape first if needed.
    /// </summary>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Adapt([data], batched: false);
    }

    /// <summary>
    /// Adapts on a stream of batches, merging each batch's mean and variance into the running totals by
    /// its share of the count, as Keras's <c>adapt</c> does on a dataset.
    /// </summary>
    public void Adapt(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        Adapt(batches, batched: true);
    }

    private void Adapt(IEnumerable<Tensor> batches, bool batched)
    {
        if (_inputMean is not null)
        {
            throw new InvalidOperationException($"Normalization layer '{Name}' was given its mean and variance; adapt() would be ignored, so it is refused.");
        }
        double[]? totalMean = null, totalVar = null;
        long totalCount = 0;
        foreach (var batch in batches)
        {
            if (!Built)
            {
                EnsureBuilt(batch.Shape);
            }
            else if (batch.Rank != _broadcastShape.Length || _keepAxes.Any(d => batch.Shape[d] != _broadcastShape[d]))
            {
                throw new ArgumentException($"Normalization layer '{Name}' was built with input shape {BuildInputShape}, but adapt() is being called with data of an incompatible shape {batch.Shape}.");
            }
            var (mean, variance, count) = Moments(batch);
            if (totalMean is null || !batched)
            {
                (totalMean, totalVar, totalCount) = (mean, variance, count);
                continue;
            }
            totalCount += count;
            double batchWeight = (double)count / totalCount, existingWeight = 1.0 - batchWeight;
            for (int i = 0; i < mean.Length; i++)
            {
                double newMean = totalMean[i] * existingWeight + mean[i] * batchWeight;
                totalVar![i] = (totalVar[i] + Square(totalMean[i] - newMean)) * existingWeight + (variance[i] + Square(mean[i] - newMean)) * batchWeight;
                totalMean[i] = newMean;
            }
        }
        if (totalMean is null)
        {
            throw new ArgumentException($"Normalization layer '{Name}': adapt() received no data (an empty sequence of batches).");
        }
        _mean!.Assign(new Tensor(new Shape(_statsShape), [.. totalMean.Select(v => (float)v)]));
        _variance!.Assign(new Tensor(new Shape(_statsShape), [.. totalVar!.Select(v => (float)v)]));
    }

    private static double Square(double v) => v * v;

    // Mean and population variance per kept position, in double (Keras uses NumPy's float32 pairwise sums).
    private (double[] Mean, double[] Variance, long Count) Moments(Tensor batch)
    {
        var values = batch.ToArray();
        var dims = batch.Shape.ToArray();
        int groups = _statsShape.Aggregate(1, (p, d) => p * d);
        var sum = new double[groups];
        var counts = new long[groups];
        int rank = dims.Length;
        var index = new int[rank];
        for (int flat = 0; flat < values.Length; flat++)
        {
            int g = 0;
            foreach (var d in _keepAxes)
            {
                g = g * dims[d] + index[d];
            }
            sum[g] += values[flat];
            counts[g]++;
            for (int d = rank - 1; d >= 0 && ++index[d] == dims[d]; d--)
            {
                index[d] = 0;
            }
        }
        var mean = new double[groups];
        for (int g = 0; g < groups; g++)
        {
            mean[g] = counts[g] == 0 ? 0 : sum[g] / counts[g];
        }
        var sq = new double[groups];
        Array.Clear(index);
        for (int flat = 0; flat < values.Length; flat++)
        {
            int g = 0;
            foreach (var d in _keepAxes)
            {
                g = g * dims[d] + index[d];
            }
            sq[g] += Square(values[flat] - mean[g]);
            for (int d = rank - 1; d >= 0 && ++index[d] == dims[d]; d--)
            {
                index[d] = 0;
            }
        }
        for (int g = 0; g < groups; g++)
        {
            sq[g] = counts[g] == 0 ? 0 : sq[g] / counts[g];
        }
        return (mean, sq, groups == 0 ? 0 : counts[0]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = new JsonArray([.. Axis.Select(a => (JsonNode)a)]);
        c["invert"] = Invert;
        c["mean"] = Values(_inputMean);
        c["variance"] = Values(_inputVariance);
        return c;
    }

    private JsonNode? Values(double[]? values)
    {
        if (values is null)
        {
            return null;
        }
        if (_inputMeanShape is null || _inputMeanShape.Length <= 1)
        {
            return values.Length == 1 && _inputMeanShape is { Length: 0 } ? values[0] : new JsonArray([.. values.Select(v => (JsonNode)v)]);
        }
        // Nested lists in the mean's own shape, as NumPy's tolist() writes them.
        JsonNode Nest(int depth, int start, int stride)
        {
            if (depth == _inputMeanShape.Length)
            {
                return values[start];
            }
            int inner = stride / _inputMeanShape[depth];
            return new JsonArray([.. Enumerable.Range(0, _inputMeanShape[depth]).Select(i => Nest(depth + 1, start + i * inner, inner))]);
        }
        return Nest(0, 0, values.Length);
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Normalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int[] axis = config["axis"] switch
        {
            null => [],
            JsonArray => Cfg.Ints(config, "axis"),
            _ => [Cfg.Int(config, "axis")],
        };
        var (mean, meanShape) = Flatten(config, "mean");
        var (variance, _) = Flatten(config, "variance");
        return new Normalization(axis, mean, variance, Cfg.Bool(config, "invert", false), Cfg.Name(config), meanShape: meanShape);
    }

    // A number, or nested lists of numbers, as flat values with their shape (null for JSON null).
    private static (double[]? Values, int[]? Shape) Flatten(JsonObject config, string key)
    {
        var node = config[key];
        if (node is null)
        {
            return (null, null);
        }
        var values = new List<double>();
        var shape = new List<int>();
        void Walk(JsonNode? n, int depth)
        {
            if (n is JsonArray a)
            {
                if (shape.Count == depth)
                {
                    shape.Add(a.Count);
                }
                else if (shape[depth] != a.Count)
                {
                    throw Cfg.Wrong(config, key, "a number or a rectangular nested list of numbers", node);
                }
                foreach (var item in a)
                {
                    Walk(item, depth + 1);
                }
            }
            else if (n is JsonValue v && v.TryGetValue<double>(out var d))
            {
                values.Add(d);
            }
            else
            {
                throw Cfg.Wrong(config, key, "a number or a nested list of numbers", node);
            }
        }
        Walk(node, 0);
        return ([.. values], [.. shape]);
    }
}
