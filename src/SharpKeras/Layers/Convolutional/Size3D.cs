using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>
/// A 3-D size such as a kernel_size, strides, pool_size, dilation_rate or output_padding: an int
/// means the same value on every axis and a tuple (depth, height, width) sets each, as Keras's
/// int-or-tuple arguments.
/// </summary>
public readonly record struct Size3D(int Depth, int Height, int Width)
{
    /// <summary>The same value on all three axes.</summary>
    public static implicit operator Size3D(int value) => new(value, value, value);

    /// <summary>(depth, height, width).</summary>
    public static implicit operator Size3D((int Depth, int Height, int Width) value) => new(value.Depth, value.Height, value.Width);

    /// <summary>As Keras prints it: (depth, height, width).</summary>
    public override string ToString() => $"({Depth}, {Height}, {Width})";

    /// <summary>The sizes as an array (depth, height, width).</summary>
    internal int[] ToArray() => [Depth, Height, Width];

    /// <summary>As Keras writes it in a config: a list of three ints.</summary>
    internal JsonArray ToJson() => new(Depth, Height, Width);

    /// <summary>An int-or-3-tuple config field; <paramref name="fallback"/> when absent or null.</summary>
    internal static Size3D FromConfig(JsonObject c, string key, int? fallback = null)
    {
        if (c[key] is null)
        {
            return fallback is { } f ? new Size3D(f, f, f) : throw Cfg.Missing(c, key, "an int or 3 ints (depth, height, width)");
        }
        var v = Cfg.Ints(c, key);
        return v.Length switch
        {
            1 => new Size3D(v[0], v[0], v[0]),
            3 => new Size3D(v[0], v[1], v[2]),
            _ => throw Cfg.Wrong(c, key, "an int or 3 ints (depth, height, width)", c[key]),
        };
    }

    /// <summary>An int-or-3-tuple config field that may be null (pooling strides default to the pool size, output_padding to none).</summary>
    internal static Size3D? OptionalFromConfig(JsonObject c, string key) => c[key] is null ? null : FromConfig(c, key);
}
