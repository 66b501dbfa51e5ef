using System.Text.Json.Nodes;
using SharpKeras.Layers;

namespace SharpKeras.Saving;

/// <summary>Reads the fields convolution and pooling configs share (int-or-tuple sizes, channels_last, activation).</summary>
internal static class ConvLayerConfigs
{
    /// <summary>An int-or-list field as a list of ints (a single int, or a default, repeated as Keras's int-or-tuple).</summary>
    public static int[] Ints(JsonObject c, string key, int? fallback = null) => c[key] switch
    {
        null => fallback is { } f ? [f, f] : throw Cfg.Missing(c, key, "an int or a list of ints"),
        JsonArray a => [.. a.Select(v => v!.GetValue<int>())],
        _ => [Cfg.Int(c, key), Cfg.Int(c, key)],
    };

    /// <summary>A (height, width) size field.</summary>
    public static Size2D Size(JsonObject c, string key, int? fallback = null)
    {
        var v = Ints(c, key, fallback);
        return v.Length switch
        {
            1 => new Size2D(v[0], v[0]),
            2 => new Size2D(v[0], v[1]),
            _ => throw new FormatException($"Config field \"{key}\" of '{Cfg.Name(c)}' should hold 2 sizes, got {v.Length}."),
        };
    }

    /// <summary>A (height, width) size field that may be null (strides default to the pool size).</summary>
    public static Size2D? OptionalSize(JsonObject c, string key) => c[key] is null ? null : Size(c, key);

    /// <summary>The activation identifier (linear when absent).</summary>
    public static ActivationFunction Activation(JsonObject c) => Activations.Get(c["activation"]?.GetValue<string>());

    /// <summary>Checks what SharpKeras does not support (channels_first, groups, regularizers); returns the layer name.</summary>
    public static string? Checked(JsonObject c)
    {
        var name = Cfg.Name(c);
        if (Cfg.String(c, "data_format", "channels_last") != "channels_last")
        {
            throw new FormatException($"Layer '{name}': data_format '{c["data_format"]}' is not supported; SharpKeras is channels_last.");
        }
        if (c["groups"] is not null && Cfg.Int(c, "groups") != 1)
        {
            throw new FormatException($"Layer '{name}': groups={c["groups"]} is not supported (only 1).");
        }
        foreach (var key in new[] { "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint" })
        {
            if (c[key] is { } v)
            {
                throw new FormatException($"Layer '{name}': {key} is not supported yet (got {v.ToJsonString()}).");
            }
        }
        return name;
    }
}
