namespace SharpKeras.Layers;

/// <summary>
/// A 2-D size such as a kernel_size, strides, pool_size or dilation_rate: an int means the same
/// value on both axes and a tuple (height, width) sets each, as Keras's int-or-tuple arguments.
/// </summary>
public readonly record struct Size2D(int Height, int Width)
{
    /// <summary>The same value on both axes.</summary>
    public static implicit operator Size2D(int value) => new(value, value);

    /// <summary>(height, width).</summary>
    public static implicit operator Size2D((int Height, int Width) value) => new(value.Height, value.Width);

    /// <summary>As Keras prints it: (height, width).</summary>
    public override string ToString() => $"({Height}, {Width})";
}
