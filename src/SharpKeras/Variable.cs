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
    }

    /// <summary>A copy of the current value.</summary>
    public Tensor Numpy() => Value.Clone();

    /// <inheritdoc/>
    public override string ToString() => $"<Variable '{Name}' shape={Shape}>";
}
