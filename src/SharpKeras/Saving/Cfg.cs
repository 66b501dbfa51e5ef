using System.Text.Json.Nodes;

namespace SharpKeras.Saving;

/// <summary>Typed reads of config fields with errors that name the field and what was found.</summary>
public static class Cfg
{
    /// <summary>The "name" field, or null when absent.</summary>
    public static string? Name(JsonObject config) => config?["name"]?.GetValue<string>();

    /// <summary>A required or defaulted integer field.</summary>
    public static int Int(JsonObject config, string key, int? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config[key];
        if (node is null)
        {
            return fallback ?? throw Missing(config, key, "an integer");
        }
        try
        {
            return node.GetValue<int>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return (int)node.GetValue<double>() is var d && d == node.GetValue<double>() ? d : throw Wrong(config, key, "an integer", node);
        }
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
        try
        {
            return node.GetValue<double>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Wrong(config, key, "a number", node);
        }
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
        try
        {
            return node.GetValue<bool>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Wrong(config, key, "true or false", node);
        }
    }

    /// <summary>A required or defaulted string field.</summary>
    public static string String(JsonObject config, string key, string? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config[key];
        if (node is null)
        {
            return fallback ?? throw Missing(config, key, "a string");
        }
        try
        {
            return node.GetValue<string>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Wrong(config, key, "a string", node);
        }
    }

    /// <summary>A shape such as [null, 28, 28] as dimensions (-1 for null).</summary>
    public static int[] Shape(JsonNode? node, string what)
    {
        if (node is not JsonArray a)
        {
            throw new FormatException($"Expected {what} to be a list of dimensions, got {node?.ToJsonString() ?? "null"}.");
        }
        return [.. a.Select(d => d is null ? -1 : d.GetValue<int>())];
    }

    /// <summary>A shape as a JSON list with null for unknown dimensions.</summary>
    public static JsonArray ShapeNode(Shape shape) => new([.. shape.ToArray().Select(d => d < 0 ? null : (JsonNode)JsonValue.Create(d))]);

    /// <summary>Error for a missing field.</summary>
    public static FormatException Missing(JsonObject config, string key, string expected) =>
        new($"Config field \"{key}\" is missing (expected {expected}) in {Describe(config)}.");

    private static FormatException Wrong(JsonObject config, string key, string expected, JsonNode node) =>
        new($"Config field \"{key}\" should be {expected}, got {node.ToJsonString()} in {Describe(config)}.");

    private static string Describe(JsonObject config) => config["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? $"the config of '{n}'" : "a config";
}
