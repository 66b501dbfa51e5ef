namespace SharpKeras;

/// <summary>A weight of a layer or an optimizer slot (<c>keras.Variable</c>): a named tensor updated in place.</summary>
public sealed class Variable
{
    /// <summary>Creates a variable holding <paramref name="value"/>.</summary>
    public Variable(string name, Tensor value, bool trainable = true)
    {
        Name = name;
        _value = value;
        value.OwnerVariable ??= this;
        _trainable = trainable;
    }

    /// <summary>The variable's name ("kernel", "bias", ...).</summary>
    public string Name { get; }

    private readonly Tensor _value;

    /// <summary>
    /// The current value; optimizers update it in place, so its identity never changes. Read inside the call of a layer
    /// whose dtype policy computes in bfloat16, an autocast variable gives its value rounded to bfloat16 instead (Keras's
    /// AutocastScope), recorded as an op so that the gradient reaches the float32 value.
    /// </summary>
    public Tensor Value => _autocast && DtypePolicies.Autocast.Active ? DtypePolicies.Autocast.Read(this, _value) : _value;

    /// <summary>The stored float32 value, never autocast (what optimizers, savers and the inference cache use).</summary>
    internal Tensor Stored => _value;

    private bool _autocast;

    /// <summary>
    /// Whether reads inside a mixed-precision layer's call are cast to its compute dtype (Keras's <c>autocast</c> argument of
    /// add_weight). Layers turn it on for their trainable weights; state they update in their call, and weights Keras reads
    /// in float32 (BatchNormalization's, LayerNormalization's), stay off.
    /// </summary>
    internal bool Autocast
    {
        get => _autocast;
        set => _autocast = value;
    }

    /// <summary>Whether optimizers update it.</summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            Layers.Layer.StructureChanged();
        }
    }

    private bool _trainable;

    /// <summary>The penalty this weight adds to the training loss (Keras's <c>variable.regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? Regularizer
    {
        get => _regularizer;
        set
        {
            _regularizer = value;
            // Planned training steps recorded the loss without (or with) the penalty: replan.
            Layers.Layer.StructureChanged();
        }
    }

    private Regularizers.Regularizer? _regularizer;

    /// <summary>The projection applied after each optimizer update (Keras's <c>variable.constraint</c>), if any.</summary>
    public Constraints.Constraint? Constraint
    {
        get => _constraint;
        set
        {
            _constraint = value;
            Layers.Layer.StructureChanged();
        }
    }

    private Constraints.Constraint? _constraint;

    /// <summary>The value's shape.</summary>
    public Shape Shape => _value.Shape;

    /// <summary>Copies new values in (Keras's <c>assign</c>); the shape must match.</summary>
    public void Assign(Tensor value)
    {
        if (value.Shape != Shape)
        {
            throw new ArgumentException($"Cannot assign a value of shape {value.Shape} to variable '{Name}' of shape {Shape}.", nameof(value));
        }
        value.Cast(DType.Float32).Span.CopyTo(_value.Span);
        MarkChanged();
    }

    private int _version;
    private object? _packed;

    /// <summary>Counts writes to the value: every internal writer (assign, optimizer updates, constraints, weight loading) calls <see cref="MarkChanged"/>.</summary>
    internal int Version => Volatile.Read(ref _version);

    /// <summary>
    /// The value packed for inference products (see Training.InferenceWeights), tagged with the version it
    /// was packed at; an immutable object, replaced whole, so concurrent readers never see it half-made.
    /// </summary>
    internal object? PackedCache
    {
        get => Volatile.Read(ref _packed);
        set => Volatile.Write(ref _packed, value);
    }

    /// <summary>Records that the value was written: copies derived from it (packed weights) are stale, and dropped to free their memory.</summary>
    internal void MarkChanged()
    {
        Interlocked.Increment(ref _version);
        PackedCache = null;
    }

    /// <summary>A copy of the current value.</summary>
    public Tensor Numpy() => _value.Clone();

    /// <inheritdoc/>
    public override string ToString() => $"<Variable '{Name}' shape={Shape}>";
}
