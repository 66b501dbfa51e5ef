using System.Text;

namespace SharpKeras;

/// <summary>
/// An immutable tensor shape, as Keras's shape tuples. A dimension of -1 is an unknown size
/// (Keras's <c>None</c>), used for the batch dimension of symbolic shapes.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    /// <summary>Creates a shape from its dimensions; -1 marks an unknown (None) dimension.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
        {
            if (d < -1)
            {
                throw new ArgumentException($"Shape dimensions must be >= 0 (or -1 for None), got ({string.Join(", ", dims)}).", nameof(dims));
            }
        }
        _dims = (int[])dims.Clone();
    }

    /// <summary>The scalar shape ().</summary>
    public static Shape Scalar { get; } = new();

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>Size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => _dims[NormalizeAxis(axis)];

    /// <summary>Number of elements (product of dimensions); throws when a dimension is unknown.</summary>
    public int Size
    {
        get
        {
            long n = 1;
            foreach (var d in _dims)
            {
                if (d < 0)
                {
                    throw new InvalidOperationException($"Shape {this} has an unknown dimension and no element count.");
                }
                n *= d;
            }
            if (n > Array.MaxLength)
            {
                throw new InvalidOperationException($"Shape {this} has {n} elements, more than one array can hold.");
            }
            return (int)n;
        }
    }

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Converts a possibly negative axis into the range [0, Rank), or throws naming both.</summary>
    public int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + _dims.Length : axis;
        if (a < 0 || a >= _dims.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for a shape of rank {Rank} {this}.");
        }
        return a;
    }

    /// <summary>This shape with dimension <paramref name="axis"/> replaced by <paramref name="size"/> (for example the batch size).</summary>
    public Shape WithDim(int axis, int size)
    {
        var d = ToArray();
        d[NormalizeAxis(axis)] = size;
        return new Shape(d);
    }

    /// <summary>A new shape with <paramref name="first"/> prepended (for example the batch dimension).</summary>
    public Shape Prepend(int first)
    {
        var d = new int[_dims.Length + 1];
        d[0] = first;
        _dims.CopyTo(d, 1);
        return new Shape(d);
    }

    /// <summary>True when both shapes have the same rank and dimensions.</summary>
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims)
        {
            h.Add(d);
        }
        return h.ToHashCode();
    }

    /// <summary>Keras's notation: (None, 28, 28), (10,), ().</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < _dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(_dims[i] < 0 ? "None" : _dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (_dims.Length == 1)
        {
            sb.Append(',');
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Shapes compare by value.</summary>
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Shapes compare by value.</summary>
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    /// <summary>An int array converts to the shape it describes.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>The NumPy broadcast of two shapes, or an error naming both.</summary>
    public static Shape Broadcast(Shape a, Shape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a._dims[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b._dims[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException($"Shapes {a} and {b} cannot be broadcast together: dimension {i} is {da} versus {db}.");
            }
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims);
    }
}
