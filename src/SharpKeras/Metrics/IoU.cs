using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Intersection-over-union averaged over <see cref="TargetClassIds"/> from a running confusion
/// matrix (<c>keras.metrics.IoU</c>). As Keras's, the matrix is integer: labels, predictions and
/// sample weights are truncated to integers. One-hot inputs are turned into classes with an argmax
/// over the last axis (only axis -1 is supported).
/// </summary>
public class IoU : Metric, IKerasSerializable<IoU>
{
    private readonly long[] _cm;
    private float[] _trueBuffer = [];
    private float[] _predBuffer = [];

    /// <summary>Creates the metric.</summary>
    public IoU(int numClasses, int[] targetClassIds, string name = "io_u", int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = true, int axis = -1)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(targetClassIds);
        if (numClasses <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"{name}: num_classes must be positive, got {numClasses}.");
        }
        if (targetClassIds.Length == 0 || targetClassIds.Any(c => c < 0 || c >= numClasses))
        {
            throw new ArgumentOutOfRangeException(nameof(targetClassIds), $"{name}: target class ids [{string.Join(", ", targetClassIds)}] must lie in [0, {numClasses}).");
        }
        if (axis != -1)
        {
            throw new NotSupportedException($"{name}: axis={axis} is not supported; only the last axis (-1).");
        }
        NumClasses = numClasses;
        TargetClassIds = [.. targetClassIds];
        IgnoreClass = ignoreClass;
        SparseYTrue = sparseYTrue;
        SparseYPred = sparseYPred;
        Axis = axis;
        _cm = new long[numClasses * numClasses];
    }

    /// <summary>The number of classes (the confusion matrix is NumClasses x NumClasses).</summary>
    public int NumClasses { get; }

    /// <summary>The classes whose IoU is averaged.</summary>
    public IReadOnlyList<int> TargetClassIds { get; }

    /// <summary>A label value left out of the matrix.</summary>
    public int? IgnoreClass { get; }

    /// <summary>True when labels are class ids, false when they are one-hot rows.</summary>
    public bool SparseYTrue { get; }

    /// <summary>True when predictions are class ids, false when they are score rows.</summary>
    public bool SparseYPred { get; }

    /// <summary>The class axis of one-hot inputs.</summary>
    public int Axis { get; }

    /// <summary>Keras writes the matrix's integer dtype.</summary>
    public override JsonObject GetConfig() => new()
    {
        ["name"] = Name,
        ["dtype"] = "int32",
        ["num_classes"] = NumClasses,
        ["target_class_ids"] = new JsonArray([.. TargetClassIds.Select(c => (JsonNode)JsonValue.Create(c))]),
        ["ignore_class"] = IgnoreClass,
        ["sparse_y_true"] = SparseYTrue,
        ["sparse_y_pred"] = SparseYPred,
        ["axis"] = Axis,
    };

    /// <summary>Maps a prediction value to a class before counting (BinaryIoU thresholds it).</summary>
    private protected virtual int PredictedClass(float value) => (int)value;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var t = SampleMeanMetric.Floats(yTrue, ref _trueBuffer);
        var p = SampleMeanMetric.Floats(yPred, ref _predBuffer);
        int tw = SparseYTrue ? 1 : Math.Max(1, yTrue.Rank == 0 ? 1 : yTrue.Shape[-1]);
        int pw = SparseYPred ? 1 : Math.Max(1, yPred.Rank == 0 ? 1 : yPred.Shape[-1]);
        int count = yTrue.Length / tw;
        if (yPred.Length / pw != count)
        {
            throw new ArgumentException($"{Name}: {count} labels (shape {yTrue.Shape}) but {yPred.Length / pw} predictions (shape {yPred.Shape}).");
        }
        int samples = yTrue.Rank == 0 ? 1 : yTrue.Shape[0];
        int perSample = Math.Max(1, count / Math.Max(1, samples));
        if (sampleWeight is not null && sampleWeight.Length != count && sampleWeight.Length != samples && sampleWeight.Length != 1)
        {
            throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match {count} labels.", nameof(sampleWeight));
        }
        for (int i = 0; i < count; i++)
        {
            int truth = SparseYTrue ? (int)t[i] : SampleMeanMetric.Argmax(t.Slice(i * tw, tw));
            int pred = SparseYPred ? PredictedClass(p[i]) : SampleMeanMetric.Argmax(p.Slice(i * pw, pw));
            if (truth < 0 || truth >= NumClasses || pred < 0 || pred >= NumClasses || truth == IgnoreClass)
            {
                continue;
            }
            long w = sampleWeight is null ? 1
                : (long)sampleWeight.GetFloat(sampleWeight.Length == count ? i : sampleWeight.Length == 1 ? 0 : i / perSample);
            _cm[truth * NumClasses + pred] += w;
        }
    }

    /// <inheritdoc/>
    public override double Result()
    {
        double sum = 0, valid = 0;
        foreach (var c in TargetClassIds)
        {
            long predicted = 0, actual = 0;
            for (int k = 0; k < NumClasses; k++)
            {
                predicted += _cm[k * NumClasses + c];
                actual += _cm[c * NumClasses + k];
            }
            double tp = _cm[c * NumClasses + c];
            double denominator = predicted + actual - tp;
            if (denominator > 1e-9)
            {
                sum += tp / (denominator + Losses.Loss.Epsilon);
                valid++;
            }
        }
        return sum / (valid + Losses.Loss.Epsilon);
    }

    /// <inheritdoc/>
    public override void ResetState() => Array.Clear(_cm);

    private protected static int[]? IdsOf(JsonObject config) => config["target_class_ids"] is JsonArray a ? [.. a.Select(v => v!.GetValue<int>())] : null;

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static IoU FromConfig(JsonObject config) => new(Cfg.Int(config, "num_classes"), IdsOf(config) ?? throw Cfg.Missing(config, "target_class_ids", "a list of class ids"),
        Cfg.OptionalString(config, "name") ?? "io_u", Cfg.OptionalInt(config, "ignore_class"), Cfg.Bool(config, "sparse_y_true", true),
        Cfg.Bool(config, "sparse_y_pred", true), Cfg.Int(config, "axis", -1));
}
