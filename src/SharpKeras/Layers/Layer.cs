using System.Text;
using System.Text.RegularExpressions;

namespace SharpKeras.Layers;

/// <summary>
/// Base of all layers (<c>keras.layers.Layer</c>): holds weights, builds lazily from the first
/// input shape, and computes its output by composing differentiable <see cref="Ops"/>.
/// </summary>
public abstract partial class Layer
{
    private readonly List<Variable> _weights = [];
    private string? _name;

    /// <summary>Creates a layer; without a name, the model that receives it names it after its class ("dense", "dense_1", ...).</summary>
    protected Layer(string? name = null)
    {
        _name = name;
    }

    /// <summary>
    /// Creates a layer that declares its per-sample input, as Keras's base <c>Layer</c> takes <c>input_shape</c> / <c>input_dim</c>
    /// (and Keras 2 <c>batch_size</c>, <c>input_length</c>): a Sequential that starts with it is built at once. <paramref name="inputDim"/>
    /// alone declares (inputDim,), <paramref name="inputLength"/> alone (inputLength,), both (inputLength, inputDim); -1 is an unknown size.
    /// </summary>
    protected Layer(string? name, int[]? inputShape, int? batchSize = null, int? inputDim = null, int? inputLength = null) : this(name)
    {
        var declared = inputShape is null ? null : CheckedInputShape(inputShape, nameof(inputShape));
        if (inputDim is not null || inputLength is not null)
        {
            if (inputDim is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, $"{Describe()} inputDim must be a positive integer, got {inputDim}.");
            }
            if (inputLength is 0 or < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(inputLength), inputLength, $"{Describe()} inputLength must be a positive integer (-1 for unknown), got {inputLength}.");
            }
            var fromDims = new Shape(inputLength is { } len ? (inputDim is { } d ? [len, d] : [len]) : [inputDim!.Value]);
            if (declared is not null && declared != fromDims)
            {
                var given = string.Join(" and ", new[] { inputLength is null ? null : $"inputLength {inputLength}", inputDim is null ? null : $"inputDim {inputDim}" }.OfType<string>());
                throw new ArgumentException($"{Describe()} was given {given} (input shape {fromDims}) and inputShape {declared}, which disagree; give one of them.", nameof(inputShape));
            }
            declared = fromDims;
        }
        _declaredInputShape = declared;
        if (batchSize is not null && declared is null)
        {
            throw new ArgumentException($"{Describe()} was given batchSize {batchSize} without an input shape; give inputShape (or inputDim/inputLength) with it.", nameof(batchSize));
        }
        _declaredBatchSize = batchSize is null ? null : CheckedBatchSize(batchSize.Value, nameof(batchSize));
    }

    /// <summary>"Dense layer 'dense_1'": the class and name that errors about the layer's arguments start with.</summary>
    private string Describe() => $"{GetType().Name} layer '{Name}'";

    /// <summary>The layer's name; unnamed layers take the snake_case class name until a model names them.</summary>
    public string Name
    {
        get => _name ?? DefaultName;
        set => _name = value;
    }

    /// <summary>True when the user or a model has given the layer its name.</summary>
    internal bool HasName => _name is not null;

    /// <summary>Keras's base name for this class: the class name in snake_case ("Dense" -> "dense").</summary>
    public virtual string DefaultName => ToSnakeCase(GetType().Name);

    /// <summary>Whether the layer's weights are updated by training.</summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            Interlocked.Increment(ref s_structureVersion);
        }
    }

    private bool _trainable = true;
    private static long s_structureVersion;

    /// <summary>
    /// Changes whenever a layer's weights or their trainable flags change anywhere; a planned
    /// training step made at an older version is made again.
    /// </summary>
    internal static long StructureVersion => Interlocked.Read(ref s_structureVersion);

    /// <summary>Marks a change that invalidates planned training steps.</summary>
    internal static void StructureChanged() => Interlocked.Increment(ref s_structureVersion);

    /// <summary>True once <see cref="Build(Shape)"/> has created the weights.</summary>
    public bool Built { get; private set; }

    /// <summary>The full input shape the layer was built for, batch dimension included as -1 (None).</summary>
    public Shape? BuildInputShape { get; private set; }

    private readonly Shape? _declaredInputShape;
    private readonly int? _declaredBatchSize;

    /// <summary>
    /// Input shape declared before building (Keras's input_shape / input_dim), without the batch dimension; set by the
    /// constructor's <c>inputShape</c> or in an object initializer (<c>new Dense(64) { DeclaredInputShape = new[] { 784 } }</c>).
    /// </summary>
    public Shape? DeclaredInputShape
    {
        get => _declaredInputShape;
        init => _declaredInputShape = value is null ? null : CheckedInputShape(value.ToArray(), nameof(DeclaredInputShape), allowScalar: true);
    }

    /// <summary>The batch size declared with <c>batchSize</c> next to <see cref="DeclaredInputShape"/> (Keras's <c>batch_size</c>), if any; without a declared shape it is ignored.</summary>
    public int? DeclaredBatchSize
    {
        get => _declaredBatchSize;
        init => _declaredBatchSize = value is null ? null : CheckedBatchSize(value.Value, nameof(DeclaredBatchSize));
    }

    /// <summary>All weights, trainable first, then non-trainable.</summary>
    public virtual IReadOnlyList<Variable> Weights => [.. TrainableWeights, .. NonTrainableWeights];

    /// <summary>Weights that training updates (empty when the layer is frozen).</summary>
    public virtual IReadOnlyList<Variable> TrainableWeights => Trainable
        ? [.. _weights.Where(w => w.Trainable), .. _trackedLayers.SelectMany(l => l.TrainableWeights)]
        : [];

    /// <summary>Weights that training leaves alone.</summary>
    public virtual IReadOnlyList<Variable> NonTrainableWeights => Trainable
        ? [.. _weights.Where(w => !w.Trainable), .. _trackedLayers.SelectMany(l => l.NonTrainableWeights)]
        : [.. _weights, .. _trackedLayers.SelectMany(l => l.Weights)];

    /// <summary>Number of scalars in all weights.</summary>
    public virtual int CountParams() => _weights.Sum(w => w.Value.Length) + _trackedLayers.Sum(l => l.CountParams());

    /// <summary>Creates a weight (Keras's add_weight).</summary>
    protected Variable AddWeight(string name, Shape shape, Initializers.Initializer initializer, bool trainable = true) =>
        AddWeight(name, shape, initializer, trainable, null, null);

    /// <summary>Creates a weight with a penalty added to the loss and a projection applied after each update (Keras's add_weight with regularizer and constraint).</summary>
    protected Variable AddWeight(string name, Shape shape, Initializers.Initializer initializer, bool trainable, Regularizers.Regularizer? regularizer, Constraints.Constraint? constraint)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        // Trainable weights are autocast under a mixed policy; non-trainable ones are mostly state the layer updates in its call.
        var v = new Variable(name, initializer.Call(shape), trainable) { Regularizer = regularizer, Constraint = constraint, Autocast = trainable };
        _weights.Add(v);
        StructureChanged();
        return v;
    }

    /// <summary>Creates the weights for inputs of <paramref name="inputShape"/> (batch dimension first, -1 when unknown).</summary>
    protected virtual void Build(Shape inputShape)
    {
    }

    /// <summary>The layer's computation on a batch (<paramref name="training"/> selects training behaviour such as dropout).</summary>
    protected abstract Tensor Call(Tensor inputs, bool training);

    /// <summary>The output shape for an input shape (batch dimension first, -1 when unknown).</summary>
    public abstract Shape ComputeOutputShape(Shape inputShape);

    /// <summary>
    /// A declared per-sample shape checked: every dimension positive or -1 (unknown), and non-empty unless
    /// <paramref name="allowScalar"/> (an InputLayer of scalar samples, as <c>keras.Input(shape=())</c>).
    /// </summary>
    private Shape CheckedInputShape(int[] inputShape, string argument, bool allowScalar = false)
    {
        if ((inputShape.Length == 0 && !allowScalar) || inputShape.Any(d => d == 0 || d < -1))
        {
            throw new ArgumentException($"{Describe()} {argument} must be a non-empty list of positive dimensions (-1 for unknown), got [{string.Join(", ", inputShape)}].", argument);
        }
        return new Shape(inputShape);
    }

    /// <summary>A declared batch size checked: positive, since Keras uses it only to complete the input shape into the model's batch shape.</summary>
    private int CheckedBatchSize(int batchSize, string argument) => batchSize > 0
        ? batchSize
        : throw new ArgumentOutOfRangeException(argument, batchSize, $"{Describe()} {argument} must be a positive integer, got {batchSize}.");

    /// <summary>Checks an input shape against what the built layer accepts; throws naming the layer and both shapes.</summary>
    protected virtual void CheckInputShape(Shape inputShape)
    {
    }

    /// <summary>Builds the layer for <paramref name="inputShape"/> if not yet built, checking the shape otherwise.</summary>
    public void EnsureBuilt(Shape inputShape)
    {
        if (!Built)
        {
            var symbolic = inputShape.Rank > 0 ? inputShape.WithDim(0, -1) : inputShape;
            // A sublayer built inside a mixed-precision parent's call writes its new weights' values, not rounded reads.
            var autocast = DtypePolicies.Autocast.Enter(bfloat16: false);
            try
            {
                Build(symbolic);
            }
            finally
            {
                DtypePolicies.Autocast.Exit(autocast);
            }
            BuildInputShape = symbolic;
            Built = true;
        }
        CheckInputShape(inputShape);
    }

    /// <summary>Runs the layer on a batch, building it first if needed (Keras's <c>layer(x, training=...)</c>).</summary>
    public Tensor Apply(Tensor inputs, bool training = false)
    {
        EnsureBuilt(inputs.Shape);
        using var scope = EnterCall();
        bool bfloat16 = RoundsCall;
        var x = bfloat16 ? ToComputeDtype(inputs) : inputs;
        var output = Call(x, training);
        GradientTape.CheckRecorded(x, output);
        if (bfloat16)
        {
            output = ToComputeDtype(output);
        }
        if (ActivityRegularizer is { } activity)
        {
            AddActivityLoss(activity, output);
        }
        // Masks travel on the tensors (Tensor.KerasMask); a layer that keeps the time axis as it is
        // hands its input's mask on, as Keras's supports_masking does.
        if (PropagatesMask && output.KerasMask is null && inputs.KerasMask is { } mask)
        {
            output.KerasMask = mask;
        }
        return output;
    }

    /// <summary>Whether the layer hands its input's mask on to its output unchanged (Keras's supports_masking with the default compute_mask).</summary>
    protected virtual bool PropagatesMask => false;

    /// <summary>Error for an input whose shape the layer cannot take, worded as Keras's.</summary>
    protected ArgumentException IncompatibleInput(Shape actual, string expectation) =>
        new($"Input 0 of layer \"{Name}\" ({GetType().Name}) is incompatible with the layer: {expectation}, but received input with shape {actual}.");

    [GeneratedRegex(@"(.)([A-Z][a-z]+)")]
    private static partial Regex CamelWord();

    [GeneratedRegex(@"([a-z])([A-Z])")]
    private static partial Regex LowerUpper();

    /// <summary>Keras's to_snake_case: "MaxPooling2D" -> "max_pooling2d".</summary>
    public static string ToSnakeCase(string name)
    {
        var s = CamelWord().Replace(name, "$1_$2");
        s = LowerUpper().Replace(s, "$1_$2");
        return s.ToLowerInvariant();
    }

    /// <summary>Name and class, as the summary shows them.</summary>
    public override string ToString() => new StringBuilder(Name).Append(" (").Append(GetType().Name).Append(')').ToString();
}
