using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using SharpKeras.Models;

namespace SharpKeras.Saving;

/// <summary>
/// The Keras v3 model file (<c>.keras</c>): a zip of config.json, metadata.json and model.weights.h5,
/// written whole to a temporary file and renamed over the target.
/// </summary>
internal static class KerasFile
{
    /// <summary>The Keras version whose file layout SharpKeras writes.</summary>
    public const string KerasVersion = "3.11.3";

    public const string ConfigEntry = "config.json";
    public const string MetadataEntry = "metadata.json";
    public const string WeightsEntry = "model.weights.h5";

    public static void Save(Model model, string path)
    {
        var config = KerasSerializer.Serialize(model);
        var metadata = new JsonObject
        {
            ["keras_version"] = KerasVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        };
        var weights = new MemoryStream();
        WeightsFile.Write(model, weights);
        SafeFile.Replace(path, tmp =>
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
            {
                WriteEntry(zip, MetadataEntry, Encoding.UTF8.GetBytes(metadata.ToJsonString()));
                WriteEntry(zip, ConfigEntry, Encoding.UTF8.GetBytes(config.ToJsonString()));
                WriteEntry(zip, WeightsEntry, weights.ToArray());
            }
            return true;
        });
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] data)
    {
        var e = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = e.Open();
        s.Write(data);
    }

    /// <summary>The three parts of a .keras file, checked.</summary>
    public static (JsonObject Config, byte[] Weights) Read(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var configEntry = zip.GetEntry(ConfigEntry) ?? throw new InvalidDataException($"'{path}' is not a Keras v3 model file: it has no {ConfigEntry} (entries: {string.Join(", ", zip.Entries.Select(e => e.FullName))}).");
            var weightsEntry = zip.GetEntry(WeightsEntry) ?? throw new InvalidDataException($"'{path}' has no {WeightsEntry} (entries: {string.Join(", ", zip.Entries.Select(e => e.FullName))}).");
            JsonObject config;
            using (var s = configEntry.Open())
            {
                config = JsonNode.Parse(s) as JsonObject ?? throw new InvalidDataException($"'{path}': {ConfigEntry} is not a JSON object.");
            }
            using var w = weightsEntry.Open();
            var ms = new MemoryStream();
            w.CopyTo(ms);
            return (config, ms.ToArray());
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"'{path}': {ConfigEntry} is not valid JSON ({e.Message}).", e);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith('\''))
        {
            throw new InvalidDataException($"'{path}' is not a readable .keras file (a truncated or corrupt zip): {e.Message}", e);
        }
    }

    public static Model Load(string path)
    {
        var (config, weights) = Read(path);
        var layer = KerasSerializer.Layer(config);
        if (layer is not Model model)
        {
            throw new FormatException($"'{path}': config.json describes a {layer.ClassName}, not a model.");
        }
        if (config["compile_config"] is JsonObject cc && cc.Count > 0)
        {
            ModelSerializer.Compile(model, cc);
        }
        using var h5 = H5.Open(new MemoryStream(weights), $"{path}/{WeightsEntry}");
        try
        {
            WeightsFile.Load(model, h5, $"{path}/{WeightsEntry}");
        }
        catch (Exception e) when (e is not (FormatException or InvalidDataException or ArgumentException or InvalidOperationException or OutOfMemoryException))
        {
            throw new InvalidDataException($"'{path}/{WeightsEntry}' cannot be read: {e.Message}. The file is corrupt or truncated.", e);
        }
        return model;
    }
}
