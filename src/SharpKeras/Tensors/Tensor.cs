using System.Globalization;
using System.Text;

namespace SharpKeras;

/// <summary>
/// A dense, row-major n-dimensional array (Keras's tensor): float32 for everything that trains,
/// int32 or uint8 for labels, token ids and raw images. Reshapes and batch slices are views that
/// share storage with the tensor they came from.
/// </summary>
public sealed class Tensor
{
    // Mutable only through Rebind: a planned training step points its batch placeholder (and the
    // views made from it) at a new slice of the dataset instead of copying it.
    private float[]? _f;
    private int[]? _i;
    private byte[]? _b;
    private int _offset;

    private Tensor(Shape shape, DType dtype, float[]? f, int[]? i, byte[]? b, int offset)
    {
        Shape = shape;
        DType = dtype;
        _f = f;
        _i = i;
        _b = b;
        _offset = offset;
        Length = shape.Size;
    }

    internal Tensor(Shape shape, float[] data, int offset = 0) : this(shape, DType.Float32, data, null, null, offset)
    {
        if (offset + Length > data.Length)
        {
            throw new ArgumentException($"Storage of {data.Length} floats is too small for shape {shape} at offset {offset}.");
        }
    }

    /// <summary>
    /// Keras's <c>_keras_mask</c>: a (batch, time) float tensor of 1 (step counts) and 0 (step is
    /// padding) that a layer such as Embedding(maskZero) or Masking attaches to its output and the
    /// recurrent layers read. The mask tensor is owned by the op that fills it, which rewrites it
    /// every time it runs, so a replayed training step sees the mask of the current batch.
    /// </summary>
    internal Tensor? KerasMask { get; set; }

    /// <summary>The variable whose value this tensor is, if any (lets a tape watch trainable variables it meets, as TensorFlow's does).</summary>
    internal Variable? OwnerVariable { get; set; }

    /// <summary>True when the tensor is the output of a rounding to bfloat16, so every value it holds is one (a mixed_bfloat16 layer need not round it again).</summary>
    internal bool HoldsBfloat16 { get; set; }

    /// <summary>The variable this tensor is the bfloat16 autocast read of, if any (inference keys its packed copy on that variable's version).</summary>
    internal Variable? Bfloat16Of { get; set; }

    /// <summary>The tensor's shape.</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>A new uninitialised-to-zero float32 tensor of the given shape.</summary>
    public static Tensor Zeros(Shape shape) => new(shape, new float[shape.Size]);

    /// <summary>A new float32 tensor of the given shape filled with ones.</summary>
    public static Tensor Ones(Shape shape) => Full(shape, 1f);

    /// <summary>A new float32 tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, float value)
    {
        var data = new float[shape.Size];
        Array.Fill(data, value);
        return new Tensor(shape, data);
    }

    /// <summary>A float32 scalar (shape ()).</summary>
    public static Tensor Scalar(float value) => new(Shape.Scalar, [value]);

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-D).</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => new(CheckedShape(data.Length, shape), (float[])data.Clone());

    /// <summary>An int32 tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-D).</summary>
    public static Tensor FromArray(int[] data, params int[] shape) =>
        new(CheckedShape(data.Length, shape), DType.Int32, null, (int[])data.Clone(), null, 0);

    /// <summary>A uint8 tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-D).</summary>
    public static Tensor FromArray(byte[] data, params int[] shape) =>
        new(CheckedShape(data.Length, shape), DType.UInt8, null, null, (byte[])data.Clone(), 0);

    /// <summary>A bool tensor holding <paramref name="data"/> in the given shape (default: 1-D), as NumPy's bool arrays.</summary>
    public static Tensor FromArray(bool[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        var b = new byte[data.Length];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = data[i] ? (byte)1 : (byte)0;
        }
        return new(CheckedShape(data.Length, shape), DType.Bool, null, null, b, 0);
    }

    /// <summary>A float32 matrix from a 2-D array.</summary>
    public static Tensor FromArray(float[,] data)
    {
        var flat = new float[data.Length];
        int rows = data.GetLength(0), cols = data.GetLength(1);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                flat[r * cols + c] = data[r, c];
            }
        }
        return new Tensor(new Shape(data.GetLength(0), data.GetLength(1)), flat);
    }

    /// <summary>Wraps a uint8 array without copying (used by dataset readers).</summary>
    internal static Tensor WrapBytes(byte[] data, Shape shape) => new(CheckedShape(data.Length, shape.ToArray()), DType.UInt8, null, null, data, 0);

    /// <summary>Wraps a byte array of 0s and 1s as a bool tensor without copying.</summary>
    internal static Tensor WrapBools(byte[] data, Shape shape) => new(CheckedShape(data.Length, shape.ToArray()), DType.Bool, null, null, data, 0);

    /// <summary>Wraps an int32 array without copying.</summary>
    internal static Tensor WrapInts(int[] data, Shape shape) => new(CheckedShape(data.Length, shape.ToArray()), DType.Int32, null, data, null, 0);

    private static Shape CheckedShape(int length, int[] shape)
    {
        if (shape.Length == 0)
        {
            return new Shape(length);
        }
        var s = new Shape(shape);
        if (s.Size != length)
        {
            throw new ArgumentException($"Cannot shape {length} elements as {s}: that shape holds {s.Size}.", nameof(shape));
        }
        return s;
    }

    /// <summary>The float32 elements as a span over the shared storage (kernels read and write through this).</summary>
    internal Span<float> Span
    {
        get
        {
            if (_f is null)
            {
                throw new InvalidOperationException($"Expected a float32 tensor but got {DType.Name()} with shape {Shape}; cast it first (tensor.Cast(DType.Float32)).");
            }
            return _f.AsSpan(_offset, Length);
        }
    }

    /// <summary>The int32 elements as a span over the shared storage.</summary>
    internal Span<int> Int32Span => _i is null
        ? throw new InvalidOperationException($"Expected an int32 tensor but got {DType.Name()}.")
        : _i.AsSpan(_offset, Length);

    /// <summary>The uint8 (or bool: 0 and 1) elements as a span over the shared storage.</summary>
    internal Span<byte> ByteSpan => _b is null
        ? throw new InvalidOperationException($"Expected a uint8 or bool tensor but got {DType.Name()}.")
        : _b.AsSpan(_offset, Length);

    /// <summary>True when this is a float32 tensor.</summary>
    public bool IsFloat => DType == DType.Float32;

    /// <summary>Element <paramref name="i"/> (flat, row-major) as an integer, for label-like tensors of any dtype.</summary>
    internal int GetInt(int i) => DType switch
    {
        DType.Int32 => _i![_offset + i],
        DType.UInt8 or DType.Bool => _b![_offset + i],
        _ => (int)_f![_offset + i],
    };

    /// <summary>Element <paramref name="i"/> (flat, row-major) as a float, whatever the dtype.</summary>
    internal float GetFloat(int i) => DType switch
    {
        DType.Int32 => _i![_offset + i],
        DType.UInt8 or DType.Bool => _b![_offset + i],
        _ => _f![_offset + i],
    };

    /// <summary>The element at a multi-dimensional index, converted to float.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get
        {
            if (index.Length != Rank)
            {
                throw new ArgumentException($"Index has {index.Length} coordinates but the tensor has rank {Rank} {Shape}.", nameof(index));
            }
            int flat = 0;
            for (int a = 0; a < index.Length; a++)
            {
                int d = Shape[a];
                int ix = index[a] < 0 ? index[a] + d : index[a];
                if (ix < 0 || ix >= d)
                {
                    throw new IndexOutOfRangeException($"Index {index[a]} is out of range for axis {a} of size {d} in shape {Shape}.");
                }
                flat = flat * d + ix;
            }
            Training.StepRecorder.OnHostRead(this);
            return GetFloat(flat);
        }
    }

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException($"Item() needs a tensor with one element, but the shape is {Shape}.");
        }
        Training.StepRecorder.OnHostRead(this);
        return GetFloat(0);
    }

    /// <summary>A copy of the elements as floats (row-major), converting integer dtypes.</summary>
    public float[] ToArray()
    {
        Training.StepRecorder.OnHostRead(this);
        var r = new float[Length];
        CopyToFloats(r);
        return r;
    }

    /// <summary>Writes the elements as floats into <paramref name="destination"/> (of at least Length).</summary>
    internal void CopyToFloats(Span<float> destination)
    {
        switch (DType)
        {
            case DType.Float32:
                Span.CopyTo(destination);
                break;
            case DType.Int32:
                var ints = Int32Span;
                for (int i = 0; i < ints.Length; i++)
                {
                    destination[i] = ints[i];
                }
                break;
            default:
                var bytes = ByteSpan;
                for (int i = 0; i < bytes.Length; i++)
                {
                    destination[i] = bytes[i];
                }
                break;
        }
    }

    /// <summary>A copy of the elements as int32 (row-major); floats are truncated toward zero.</summary>
    public int[] ToInt32Array()
    {
        Training.StepRecorder.OnHostRead(this);
        var r = new int[Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = GetInt(i);
        }
        return r;
    }

    /// <summary>A copy of the elements as bytes; only for uint8 tensors (and bool ones, as 0 and 1).</summary>
    public byte[] ToByteArray() => ByteSpan.ToArray();

    /// <summary>A copy of the elements as booleans (non-zero is true, as NumPy's astype(bool)), whatever the dtype.</summary>
    public bool[] ToBoolArray()
    {
        Training.StepRecorder.OnHostRead(this);
        var r = new bool[Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = GetFloat(i) != 0f;
        }
        return r;
    }

    /// <summary>A tensor of the given dtype with the converted values (a copy; Keras's ops.cast).</summary>
    /// <remarks>This converts on the host, once: inside a layer's call, use <see cref="Ops.Cast"/>, which a recorded step repeats.</remarks>
    public Tensor Cast(DType dtype)
    {
        Training.StepRecorder.OnHostRead(this);
        var r = NewLike(Shape, dtype);
        CastInto(r);
        return r;
    }

    /// <summary>
    /// Writes this tensor's values converted to <paramref name="destination"/>'s dtype (same length): floats are truncated
    /// toward zero for int32, clamped to [0, 255] for uint8, and non-zero (NaN included, as NumPy's astype(bool)) is true.
    /// </summary>
    internal void CastInto(Tensor destination)
    {
        switch (destination.DType)
        {
            case DType.Float32:
                CopyToFloats(destination.Span);
                break;
            case DType.Int32:
                var ints = destination.Int32Span;
                for (int i = 0; i < ints.Length; i++)
                {
                    ints[i] = GetInt(i);
                }
                break;
            case DType.Bool:
                var flags = destination.ByteSpan;
                for (int i = 0; i < flags.Length; i++)
                {
                    flags[i] = GetFloat(i) != 0f ? (byte)1 : (byte)0;
                }
                break;
            default:
                var b = destination.ByteSpan;
                for (int i = 0; i < b.Length; i++)
                {
                    b[i] = (byte)Math.Clamp(GetInt(i), 0, 255);
                }
                break;
        }
    }

    /// <summary>A view of this tensor's storage with a new shape of the same size.</summary>
    internal Tensor View(Shape shape)
    {
        if (shape.Size != Length)
        {
            throw new ArgumentException($"Cannot reshape a tensor of shape {Shape} ({Length} elements) into {shape} ({shape.Size} elements).");
        }
        return new Tensor(shape, DType, _f, _i, _b, _offset);
    }

    /// <summary>Makes this tensor share <paramref name="source"/>'s storage (same dtype and size); views replay this to follow a rebound placeholder.</summary>
    internal void Rebind(Tensor source)
    {
        if (source.DType != DType || source.Length != Length)
        {
            throw new InvalidOperationException($"Internal error: cannot rebind a {DType.Name()} tensor of shape {Shape} to a {source.DType.Name()} tensor of shape {source.Shape}.");
        }
        _f = source._f;
        _i = source._i;
        _b = source._b;
        _offset = source._offset;
    }

    /// <summary>Makes this tensor a view of <paramref name="source"/>'s rows from <paramref name="start"/> on (as many as this tensor has), without copying.</summary>
    internal void RebindRows(Tensor source, int start)
    {
        int row = Shape[0] == 0 ? 0 : Length / Shape[0];
        if (source.DType != DType || source.Rank != Rank || start < 0 || start + Shape[0] > source.Shape[0] || (source.Shape[0] > 0 && source.Length / source.Shape[0] != row))
        {
            throw new InvalidOperationException($"Internal error: cannot view rows {start}.. of a {source.DType.Name()} tensor of shape {source.Shape} as shape {Shape}.");
        }
        _f = source._f;
        _i = source._i;
        _b = source._b;
        _offset = source._offset + start * row;
    }

    /// <summary>Rows [start, start+count) along the first axis, as a view sharing storage (a batch slice).</summary>
    public Tensor Slice(int start, int count)
    {
        if (Rank == 0)
        {
            throw new InvalidOperationException("Cannot slice a scalar tensor.");
        }
        int n = Shape[0];
        if (start < 0 || count < 0 || start + count > n)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + count}) is outside the first axis of size {n} (shape {Shape}).");
        }
        int row = n == 0 ? 0 : Length / n;
        var slice = new Tensor(Shape.WithDim(0, count), DType, _f, _i, _b, _offset + start * row);
        Training.StepRecorder.OnView(this, slice);
        return slice;
    }

    /// <summary>The rows at <paramref name="indices"/> along the first axis, copied into a new tensor.</summary>
    public Tensor Gather(ReadOnlySpan<int> indices)
    {
        var result = NewLike(Shape.WithDim(0, indices.Length), DType);
        GatherInto(indices, result);
        return result;
    }

    /// <summary>Copies the rows at <paramref name="indices"/> into <paramref name="destination"/> (split across threads when large).</summary>
    internal void GatherInto(ReadOnlySpan<int> indices, Tensor destination)
    {
        int n = Shape[0];
        int row = n == 0 ? 0 : Length / n;
        foreach (int r in indices)
        {
            if ((uint)r >= (uint)n)
            {
                throw new IndexOutOfRangeException($"Row {r} is outside the first axis of size {n}.");
            }
        }
        if (destination.DType != DType || destination.Length < indices.Length * row)
        {
            throw new ArgumentException($"Internal error: cannot gather {indices.Length} rows of {Shape} into {destination.Shape}.");
        }
        int elementSize = DType switch { DType.Float32 => 4, DType.Int32 => 4, _ => 1 };
        Backend.Kernels.Current.GatherRows(ElementBytes(), destination.ElementBytes(), indices, row * elementSize);
    }

    /// <summary>The elements as raw bytes (for copies that do not care about the dtype).</summary>
    private Span<byte> ElementBytes() => DType switch
    {
        DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Span),
        DType.Int32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Int32Span),
        _ => ByteSpan,
    };

    /// <summary>A new zero tensor of the given shape and dtype.</summary>
    internal static Tensor NewLike(Shape shape, DType dtype) => dtype switch
    {
        DType.Float32 => new Tensor(shape, new float[shape.Size]),
        DType.Int32 => new Tensor(shape, DType.Int32, null, new int[shape.Size], null, 0),
        DType.Bool => new Tensor(shape, DType.Bool, null, null, new byte[shape.Size], 0),
        _ => new Tensor(shape, DType.UInt8, null, null, new byte[shape.Size], 0),
    };

    /// <summary>A deep copy with its own storage.</summary>
    public Tensor Clone()
    {
        var r = NewLike(Shape, DType);
        switch (DType)
        {
            case DType.Float32: Span.CopyTo(r.Span); break;
            case DType.Int32: Int32Span.CopyTo(r.Int32Span); break;
            default: ByteSpan.CopyTo(r.ByteSpan); break;
        }
        return r;
    }

    /// <summary>Reshapes (Keras's ops.reshape); one dimension may be -1 and is inferred.</summary>
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);

    /// <summary>Element-wise sum with NumPy broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);

    /// <summary>Element-wise difference with NumPy broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Subtract(a, b);

    /// <summary>Element-wise product with NumPy broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Multiply(a, b);

    /// <summary>Element-wise quotient with NumPy broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Divide(a, b);

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, double b) => Ops.Add(a, Scalar((float)b));

    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, double b) => Ops.Subtract(a, Scalar((float)b));

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => Ops.Multiply(a, Scalar((float)b));

    /// <summary>Divides every element by a scalar (uint8 images / 255.0 give float32).</summary>
    public static Tensor operator /(Tensor a, double b) => Ops.Divide(a, Scalar((float)b));

    /// <summary>Adds a tensor to a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => Ops.Add(Scalar((float)a), b);

    /// <summary>Subtracts a tensor from a scalar.</summary>
    public static Tensor operator -(double a, Tensor b) => Ops.Subtract(Scalar((float)a), b);

    /// <summary>Multiplies a scalar by a tensor.</summary>
    public static Tensor operator *(double a, Tensor b) => Ops.Multiply(Scalar((float)a), b);

    /// <summary>Divides a scalar by a tensor.</summary>
    public static Tensor operator /(double a, Tensor b) => Ops.Divide(Scalar((float)a), b);

    /// <summary>Negates every element.</summary>
    public static Tensor operator -(Tensor a) => Ops.Negative(a);

    /// <summary>Shape, dtype and the first values, like NumPy's repr.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor(shape=").Append(Shape).Append(", dtype=").Append(DType.Name()).Append(", values=[");
        int n = Math.Min(Length, 8);
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(GetFloat(i).ToString("G6", CultureInfo.InvariantCulture));
        }
        if (Length > n)
        {
            sb.Append(", ...");
        }
        return sb.Append("])").ToString();
    }
}
