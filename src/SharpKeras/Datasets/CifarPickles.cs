using System.Formats.Tar;
using System.IO.Compression;

namespace SharpKeras.Datasets;

/// <summary>
/// CIFAR's "python version" as Keras caches it: pickled dicts (data: uint8 (N, 3072) planes, labels: a list) in
/// a folder (cifar-10-batches-py, cifar-100-python) or inside the downloaded .tar.gz, read without extracting it.
/// </summary>
internal static class CifarPickles
{
    private const int Side = 32;
    private const int ImageBytes = 3 * Side * Side;

    /// <summary>The named batch files of a folder or a .tar.gz archive, each as (images NCHW bytes, labels).</summary>
    internal static Dictionary<string, (byte[] Data, int[] Labels, int Count)> Read(string location, IReadOnlyList<string> names, string labelKey, int classes, string hint)
    {
        var result = new Dictionary<string, (byte[], int[], int)>(StringComparer.Ordinal);
        if (Directory.Exists(location))
        {
            foreach (var name in names)
            {
                var file = Path.Combine(location, name);
                if (!File.Exists(file))
                {
                    throw new FileNotFoundException($"CIFAR batch file '{name}' is missing from '{location}'. {hint}", file);
                }
                using var fs = File.OpenRead(file);
                result[name] = Parse(Pickle.Load(fs, fs.Length, file, hint), file, labelKey, classes, hint);
            }
            return result;
        }
        using (var archive = File.OpenRead(location))
        {
            Stream data = archive;
            Span<byte> head = stackalloc byte[2];
            bool gz = archive.Read(head) == 2 && head[0] == 0x1f && head[1] == 0x8b;
            archive.Position = 0;
            using var unzipped = gz ? new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true) : null;
            using var tar = new TarReader(unzipped ?? data);
            try
            {
                TarEntry? entry;
                while ((entry = tar.GetNextEntry()) is not null && result.Count < names.Count)
                {
                    var name = Path.GetFileName(entry.Name.TrimEnd('/'));
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !names.Contains(name) || entry.DataStream is null)
                    {
                        continue;
                    }
                    var where = $"{location}:{entry.Name}";
                    result[name] = Parse(Pickle.Load(entry.DataStream, entry.Length, where, hint), where, labelKey, classes, hint);
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException && ex.Message.IndexOf(location, StringComparison.Ordinal) < 0)
            {
                throw new InvalidDataException($"'{location}' is not a readable CIFAR archive: {ex.Message} {hint}", ex);
            }
        }
        var missing = names.Where(n => !result.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"'{location}' lacks the CIFAR batch file(s) {string.Join(", ", missing)}. {hint}");
        }
        return result;
    }

    private static (byte[] Data, int[] Labels, int Count) Parse(object? value, string where, string labelKey, int classes, string hint)
    {
        if (value is not Pickle.PyDict dict)
        {
            throw new InvalidDataException($"'{where}' does not hold a pickled dict. {hint}");
        }
        if (!dict.TryGet("data", out var d) || d is not Pickle.NdArray { Data: { } data } array || array.Descr[1..] != "u1"
            || array.Shape.Length != 2 || array.Shape[1] != ImageBytes || (long)array.Shape[0] * ImageBytes != data.Length)
        {
            throw new InvalidDataException($"'{where}' has no 'data' entry of uint8 images of shape (N, {ImageBytes}). {hint}");
        }
        if (!dict.TryGet(labelKey, out var l))
        {
            throw new InvalidDataException($"'{where}' has no '{labelKey}' entry (entries: {string.Join(", ", dict.Keys)}). {hint}");
        }
        var labels = NpzObjects.Integers(l, $"{where}:{labelKey}", hint);
        if (labels.Length != array.Shape[0])
        {
            throw new InvalidDataException($"'{where}' has {array.Shape[0]} images but {labels.Length} labels. {hint}");
        }
        int bad = Array.FindIndex(labels, v => v < 0 || v >= classes);
        if (bad >= 0)
        {
            throw new InvalidDataException($"'{where}' has label {labels[bad]} at {bad}, expected 0..{classes - 1}. {hint}");
        }
        return (data, labels, array.Shape[0]);
    }

    /// <summary>Batches in order as one channels_last image tensor (N, 32, 32, 3) and their labels.</summary>
    internal static (byte[] Images, int[] Labels) Stack(IEnumerable<(byte[] Data, int[] Labels, int Count)> batches)
    {
        var list = batches.ToList();
        int n = list.Sum(b => b.Count);
        var images = new byte[(long)n * ImageBytes];
        var labels = new int[n];
        int i = 0;
        foreach (var (data, batchLabels, count) in list)
        {
            for (int r = 0; r < count; r++, i++)
            {
                labels[i] = batchLabels[r];
                var src = data.AsSpan(r * ImageBytes, ImageBytes);
                var dst = images.AsSpan(i * ImageBytes, ImageBytes);
                for (int p = 0; p < Side * Side; p++)
                {
                    dst[p * 3] = src[p];
                    dst[p * 3 + 1] = src[Side * Side + p];
                    dst[p * 3 + 2] = src[2 * Side * Side + p];
                }
            }
        }
        return (images, labels);
    }
}
