using System.Text.Json;
using SharpKeras.Utils;

namespace SharpKeras.Datasets;

/// <summary>What the IMDB and Reuters loaders share: Keras's shuffling, start/oov/index_from marking, maxlen filtering and word-index files.</summary>
internal static class WordSequences
{
    /// <summary>Shuffles sequences and labels together with NumPy's RandomState, as Keras's <c>x[indices]</c>.</summary>
    internal static (int[][] X, int[] Y) Shuffle(NumpyRandomState rng, int[][] x, int[] y)
    {
        var order = rng.Permutation(x.Length);
        return ([.. order.Select(i => x[i])], [.. order.Select(i => y[i])]);
    }

    /// <summary>Adds the start mark and the index offset (Keras: start_char, index_from).</summary>
    internal static int[][] Mark(int[][] xs, int? startChar, int indexFrom) => [.. xs.Select(x =>
    {
        int off = startChar is null ? 0 : 1;
        var r = new int[x.Length + off];
        if (startChar is { } s)
        {
            r[0] = s;
        }
        for (int i = 0; i < x.Length; i++)
        {
            r[i + off] = x[i] + indexFrom;
        }
        return r;
    })];

    /// <summary>Keras's remove_long_seq: keeps the sequences strictly shorter than maxlen.</summary>
    internal static (int[][] X, int[] Y) RemoveLong(int maxlen, int[][] x, int[] y)
    {
        var keep = Enumerable.Range(0, x.Length).Where(i => x[i].Length < maxlen).ToArray();
        return ([.. keep.Select(i => x[i])], [.. keep.Select(i => y[i])]);
    }

    /// <summary>
    /// Keras's vocabulary cut: words outside [skipTop, numWords) become oovChar, or are dropped without one.
    /// Without numWords the limit is the largest word id, which Keras's own rule then also turns into oovChar.
    /// </summary>
    internal static int[][] Limit(int[][] xs, int? numWords, int skipTop, int? oovChar)
    {
        int limit = numWords is > 0 ? numWords.Value : xs.Where(x => x.Length > 0).Select(x => x.Max()).DefaultIfEmpty(0).Max();
        return [.. xs.Select(x => oovChar is { } oov
            ? x.Select(w => skipTop <= w && w < limit ? w : oov).ToArray()
            : x.Where(w => skipTop <= w && w < limit).ToArray())];
    }

    /// <summary>Reads a word index JSON file ({"word": index, ...}) without reflection.</summary>
    internal static IReadOnlyDictionary<string, int> ReadWordIndex(string file, string hint)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"'{file}' is not a JSON object of word -> index. {hint}");
            }
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                result[p.Name] = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out int v)
                    ? v
                    : throw new InvalidDataException($"'{file}': the index of \"{p.Name}\" is {p.Value.GetRawText()}, expected an integer. {hint}");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{file}' is not valid JSON: {ex.Message} {hint}", ex);
        }
        return result;
    }

    internal static void CheckArguments(string dataset, int? numWords, int skipTop, int? maxlen)
    {
        if (numWords is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numWords), numWords, $"{dataset}: numWords must be positive or null, got {numWords}.");
        }
        if (skipTop < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(skipTop), skipTop, $"{dataset}: skipTop must be >= 0, got {skipTop}.");
        }
        if (maxlen is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxlen), maxlen, $"{dataset}: maxlen must be positive or null, got {maxlen}.");
        }
    }
}
