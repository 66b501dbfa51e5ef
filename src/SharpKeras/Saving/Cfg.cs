using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpKeras.Saving;

/// <summary>
/// Typed reads of config fields (what Keras's from_config takes apart) with errors that name the
/// object (class and name), the field, and the expected versus the actual JSON.
/// </summary>
public static class Cfg
{
    /// <summary>The "name" field, or null when absent.</summary>
    public static string? Name(JsonObject config) => config is null ? null : OptionalString(config, "name");

    /// <summary>A required or defaulted integer field.</summary>
    public static int Int(JsonObject config, string key, int? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config[key];
        if (node is null)
        {
            return fallback ?? throw Missing(config, key, "an integer");
        }
        return AsInt(node) ?? throw Wrong(config, key, "an integer", node);
    }

    private static int? AsInt(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (v.TryGetValue<int>(out var i))
            {
                return i;
            }
            // Python writes some integers as floats (2.0); accept those that are whole.
            if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue)
            {
                return (int)d;
            }
        }
        return null;
    }

    /// <summary>An optional integer field (null when absent or null).</summary>
    public static int? OptionalInt(JsonObject config, string key) => config?[key] is null ? null : Int(config, key);

    /// <summary>A required or defaulted number field.</summary>
    public static double Double(JsonObject config, string key, double? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config[key];
        if (node is null)
        {
            return fallback ?? throw Missing(config, key, "a number");
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d))
        {
            return d;
        }
        throw Wrong(config, key, "a number", node);
    }

    /// <summary>A required or defaulted boolean field.</summary>
    public static bool Bool(JsonObject config, string key, bool? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config[key];
        if (node is null)
        {
            return fallback ?? throw Missing(config, key, "true or false");
        }
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetValue<bool>();
        }
        throw Wrong(config, key, "true or false", node);
    }

    /// <summary>A required or defaulted string field.</summary>
    public static string String(JsonObject config, string key, string? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return OptionalString(config, key) ?? fallback ?? throw Missing(config, key, "a string");
    }

    /// <summary>An optional string field (null when absent or null).</summary>
    public static string? OptionalString(JsonObject config, string key)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config[key];
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return v.GetValue<string>();
        }
        throw Wrong(config, key, "a string", node);
    }

    /// <summary>A list of integers, or a single integer (Keras's int-or-tuple arguments) as a one-element list.</summary>
    public static int[] Ints(JsonObject config, string key)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config[key] ?? throw Missing(config, key, "an integer or a list of integers");
        if (node is JsonArray a)
        {
            var values = new int[a.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = AsInt(a[i]) ?? throw Wrong(config, key, "a list of integers", node);
            }
            return values;
        }
        return [AsInt(node) ?? throw Wrong(config, key, "an integer or a list of integers", node)];
    }

    /// <summary>A shape such as [null, 28, 28] as dimensions (-1 for null).</summary>
    public static int[] Shape(JsonNode? node, string what)
    {
        if (node is not JsonArray a)
        {
            throw new ConfigException($"Expected {what} to be a list of dimensions, got {node?.ToJsonString() ?? "null"}.");
        }
        return [.. a.Select(d => d is null ? -1 : AsInt(d)
            ?? throw new ConfigException($"Expected {what} to be a list of dimensions (integers or null), got {a.ToJsonString()}."))];
    }

    /// <summary>A shape as a JSON list with null for unknown dimensions.</summary>
    public static JsonArray ShapeNode(Shape shape) => new([.. shape.ToArray().Select(d => d < 0 ? null : (JsonNode)JsonValue.Create(d))]);

    /// <summary>Error for a missing field.</summary>
    public static ConfigException Missing(JsonObject config, string key, string expected) =>
        new($"Config field \"{key}\" is missing (expected {expected}) in {Describe(config)}.");

    /// <summary>Error for a field of the wrong type or value: names the field, the object, and expected versus found.</summary>
    public static ConfigException Wrong(JsonObject config, string key, string expected, JsonNode? found) =>
        new($"Config field \"{key}\" of {Describe(config)} should be {expected}, got {found?.ToJsonString() ?? "null"}{Kind(found)}.");

    private static string Kind(JsonNode? node) => node switch
    {
        null => "",
        JsonArray => " (a list)",
        JsonObject => " (an object)",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => " (a string)",
            JsonValueKind.Number => " (a number)",
            JsonValueKind.True or JsonValueKind.False => " (a boolean)",
            _ => "",
        },
        _ => "",
    };

    /// <summary>
    /// The object a config belongs to, as "layer 'dense_1' (Dense)": the class comes from the
    /// serialized envelope around the config ({"class_name", "config"}) when there is one.
    /// </summary>
    public static string Describe(JsonObject config)
    {
        string? name = config?["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        string? cls = config?.Parent is JsonObject envelope && envelope["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String
            ? c.GetValue<string>()
            : null;
        return (name, cls) switch
        {
            (not null, not null) => $"'{name}' ({cls})",
            (not null, null) => $"'{name}'",
            (null, not null) => $"a {cls} config",
            _ => "a config",
        };
    }
}
