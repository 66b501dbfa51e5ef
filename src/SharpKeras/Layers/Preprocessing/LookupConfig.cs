using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>Reads the list fields of the lookup layers' configs (vocabulary, idf_weights).</summary>
internal static class LookupConfig
{
    public static string[]? Strings(JsonObject config, string key) => config[key] switch
    {
        null => null,
        JsonArray a => [.. a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Cfg.Wrong(config, key, "a list of strings", config[key]))],
        var other => throw Cfg.Wrong(config, key, "a list of strings or null", other),
    };

    public static long[]? Longs(JsonObject config, string key) => config[key] switch
    {
        null => null,
        JsonArray a => [.. a.Select(n => n is JsonValue v && v.TryGetValue<long>(out var s) ? s : throw Cfg.Wrong(config, key, "a list of integers", config[key]))],
        var other => throw Cfg.Wrong(config, key, "a list of integers or null", other),
    };

    public static float[]? Floats(JsonObject config, string key) => config[key] switch
    {
        null => null,
        JsonArray a => [.. a.Select(n => n is JsonValue v && v.TryGetValue<double>(out var d) ? (float)d : throw Cfg.Wrong(config, key, "a list of numbers", config[key]))],
        var other => throw Cfg.Wrong(config, key, "a list of numbers or null", other),
    };
}
