namespace SharpKeras;

/// <summary>A weight of a layer or an optimizer slot (<c>keras.Variable</c>): a named tensor updated in place.</summary>
public sealed class Variable
{
    /// <summary>Creates a variable holding <paramref name="value"/>.</summary>
    public Variable(string name, Tensor value, bool trainable = true)
    {
        Name = name;
        Value = value;
        value.OwnerVariable ??= this;
        _trainable = trainable;
    }

    /// <summary>The variable's name ("kernel", "bias", ...).</summary>
    public string Name { get; }

    /// <summary>The current value; optimizers update it in place, so its identity never changes.</summary>
    public Tensor Value { get; }

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
    public Shape Shape => Value.Shape;

    /// <summary>Copies new values in (Keras's <c>assign</c>); the shape must match.</summary>
    public void Assign(Tensor value)
    {
        if (value.Shape != Shape)
        {
            throw new ArgumentException($"Cannot assign a value of shape {value.Shape} to variable '{Name}' of shape {Shape}.", nameof(value));
        }
        value.Cast(DType.Float32).Span.CopyTo(Value.Span);
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
    public Tensor Numpy() => Value.Clone();

    /// <inheritdoc/>
    public override string ToString() => $"<Variable '{Name}' shape={Shape}>";
}
