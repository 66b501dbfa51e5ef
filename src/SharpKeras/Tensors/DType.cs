namespace SharpKeras;

/// <summary>Element type of a tensor, as Keras's dtype strings ("float32", "int32", "uint8").</summary>
public enum DType
{
    /// <summary>32-bit IEEE float ("float32"), the type every differentiable op works in.</summary>
    Float32,
    /// <summary>32-bit signed integer ("int32"), used for sparse labels and token ids.</summary>
    Int32,
    /// <summary>8-bit unsigned integer ("uint8"), as Keras's datasets return images and labels.</summary>
    UInt8,
    /// <summary>Boolean ("bool"), one byte per element holding 0 or 1: what comparisons and logical ops return.</summary>
    Bool,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypes
{
    /// <summary>The Keras/NumPy name of a dtype ("float32", "int32", "uint8", "bool").</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Int32 => "int32",
        DType.UInt8 => "uint8",
        DType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
