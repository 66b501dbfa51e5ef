using System.Text.Json.Nodes;
using SharpKeras.Layers;

namespace SharpKeras.Saving;

/// <summary>Reads the fields convolution and pooling configs share (int-or-tuple sizes, channels_last, activation).</summary>
internal static class ConvLayerConfigs
{
    /// <summary>An int-or-list field as a list of ints (a single int, or a default, repeated as Keras's int-or-tuple).</summary>
    public static int[] Ints(JsonObject c, string key, int? fallback = null)
    {
        if (c[key] is null)
        {
            return fallback is { } f ? [f, f] : throw Cfg.Missing(c, key, "an int or a list of ints");
        }
        var v = Cfg.Ints(c, key);
        return c[key] is JsonArray ? v : [v[0], v[0]];
    }

    /// <summary>The single value of a 1-D int-or-tuple field (kernel_size [3] or 3).</summary>
    public static int One(JsonObject c, string key, int? fallback = null)
    {
        var v = Ints(c, key, fallback);
        return c[key] is not JsonArray || v.Length == 1 ? v[0] : throw Cfg.Wrong(c, key, "one integer (or a list of one)", c[key]);
    }

    /// <summary>A (height, width) size field.</summary>
    public static Size2D Size(JsonObject c, string key, int? fallback = null)
    {
        var v = Ints(c, key, fallback);
        return v.Length switch
        {
            1 => new Size2D(v[0], v[0]),
            2 => new Size2D(v[0], v[1]),
            _ => throw Cfg.Wrong(c, key, "2 sizes (height, width)", c[key]),
        };
    }

    /// <summary>A (height, width) size field that may be null (strides default to the pool size).</summary>
    public static Size2D? OptionalSize(JsonObject c, string key) => c[key] is null ? null : Size(c, key);

    /// <summary>The activation identifier (linear when absent).</summary>
    public static ActivationFunction Activation(JsonObject c, string key = "activation", string fallback = "linear")
    {
        var id = Cfg.OptionalString(c, key) ?? fallback;
        try
        {
            return Activations.Get(id);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"Config field \"{key}\" of {Cfg.Describe(c)}: {e.Message}", e);
        }
    }

    /// <summary>Checks what SharpKeras does not support (channels_first, groups, regularizers, constraints); returns the layer name.</summary>
    public static string? Checked(JsonObject c, params string[] unsupported)
    {
        var name = CheckedLayout(c);
        string[] keys = unsupported.Length > 0 ? unsupported : ["kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint"];
        foreach (var key in keys)
        {
            if (c[key] is { } v)
            {
                throw new ConfigException($"Layer {Cfg.Describe(c)}: {key} is not supported yet (got {v.ToJsonString()}).");
            }
        }
        return name;
    }

    /// <summary>Checks the data layout SharpKeras supports (channels_last, one group); returns the layer name.</summary>
    public static string? CheckedLayout(JsonObject c)
    {
        var name = Cfg.Name(c);
        if (Cfg.String(c, "data_format", "channels_last") != "channels_last")
        {
            throw new ConfigException($"Layer {Cfg.Describe(c)}: data_format '{c["data_format"]}' is not supported; SharpKeras is channels_last.");
        }
        if (c["groups"] is not null && Cfg.Int(c, "groups") != 1)
        {
            throw new ConfigException($"Layer {Cfg.Describe(c)}: groups={c["groups"]} is not supported (only 1).");
        }
        return name;
    }
}
