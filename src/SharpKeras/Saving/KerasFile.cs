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
                foreach (var (entry, data) in KerasAssets.Collect(model))
                {
                    WriteEntry(zip, entry, data);
                }
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

    /// <summary>
    /// The config and weights of a .keras file, checked: one entry of each name, sizes bounded by
    /// <see cref="LoadLimits"/> before inflating, and every entry's CRC-32 verified.
    /// </summary>
    public static (JsonObject Config, byte[] Weights) Read(string path)
    {
        using var zip = SafeZip.Open(path, ".keras");
        try
        {
            var configEntry = SafeZip.Single(zip, ConfigEntry, path) ?? throw new InvalidDataException($"'{path}' is not a Keras v3 model file: it has no {ConfigEntry} (entries: {Names(zip)}).");
            var weightsEntry = SafeZip.Single(zip, WeightsEntry, path) ?? throw new InvalidDataException($"'{path}' has no {WeightsEntry} (entries: {Names(zip)}).");
            if (SafeZip.Single(zip, MetadataEntry, path) is { } metadataEntry)
            {
                // Not used, but read so that a damaged entry anywhere in the file is reported.
                SafeZip.ReadAll(metadataEntry, $"{path}/{MetadataEntry}", LoadLimits.MaxConfigBytes, nameof(LoadLimits.MaxConfigBytes));
            }
            SafeZip.CheckSize(weightsEntry, $"{path}/{WeightsEntry}", LoadLimits.MaxEntryBytes, nameof(LoadLimits.MaxEntryBytes));
            var configBytes = SafeZip.ReadAll(configEntry, $"{path}/{ConfigEntry}", LoadLimits.MaxConfigBytes, nameof(LoadLimits.MaxConfigBytes));
            JsonObject config;
            try
            {
                config = JsonNode.Parse(configBytes, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 256 }) as JsonObject
                    ?? throw new InvalidDataException($"'{path}': {ConfigEntry} is not a JSON object.");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidDataException($"'{path}': {ConfigEntry} is not valid JSON ({e.Message}).", e);
            }
            var weights = SafeZip.ReadAll(weightsEntry, $"{path}/{WeightsEntry}", LoadLimits.MaxEntryBytes, nameof(LoadLimits.MaxEntryBytes));
            return (config, weights);
        }
        catch (Exception e) when (e is not (InvalidDataException or OutOfMemoryException))
        {
            throw new InvalidDataException($"'{path}' is not a readable .keras file (a truncated or corrupt zip): {e.Message}", e);
        }
    }

    private static string Names(ZipArchive zip) => string.Join(", ", zip.Entries.Select(e => e.FullName));

    public static Model Load(string path)
    {
        var (config, weights) = Read(path);
        try
        {
            var layer = KerasSerializer.Layer(config);
            if (layer is not Model model)
            {
                throw new FormatException($"'{path}': config.json describes a {layer.ClassName}, not a model.");
            }
            if (config["compile_config"] is JsonObject cc && cc.Count > 0)
            {
                ModelSerializer.TryCompile(model, cc, path);
            }
            using var h5 = H5.Open(new MemoryStream(weights, writable: false), $"{path}/{WeightsEntry}");
            WeightsFile.Load(model, h5, $"{path}/{WeightsEntry}");
            if (KerasAssets.Any(model))
            {
                using var zip = SafeZip.Open(path, ".keras");
                KerasAssets.Load(model, zip, path);
            }
            return model;
        }
        catch (UnknownClassException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            // Kept as its own type: the fix (register the class) differs from that of a corrupt file.
            throw new UnknownClassException($"'{path}' cannot be loaded: {e.Message}", e.ClassName);
        }
        catch (FormatException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new FormatException($"'{path}': {e.Message}", e);
        }
        catch (Exception e) when (e is not (InvalidDataException or FormatException) || !e.Message.Contains(path, StringComparison.Ordinal))
        {
            // Every failure leaving the loader names the user's file; the original stays as the inner exception.
            throw new InvalidDataException($"'{path}' cannot be loaded: {e.Message}", e);
        }
    }
}
