using System.Text;
using SharpKeras.Utils;

namespace SharpKeras.Data;

/// <summary>
/// The dataset <c>keras.utils.text_dataset_from_directory</c> returns: batches of (texts, labels) read lazily from the
/// .txt files of a directory, one subdirectory per class. Texts are strings, so (as in Keras) a model takes them
/// after a vectorization step; <see cref="ClassNames"/> and <see cref="FilePaths"/> say what was indexed.
/// Made by <see cref="Keras.Utils.TextDatasetFromDirectory"/>.
/// </summary>
public sealed class TextDataset : IReadOnlyList<(string[] Texts, Tensor? Labels)>
{
    private readonly int[]? _labels;
    private readonly string? _labelMode;
    private readonly int _batchSize;
    private readonly int? _maxLength;

    internal TextDataset(IReadOnlyList<string> files, int[]? labels, IReadOnlyList<string>? classNames, string? labelMode, int batchSize, int? maxLength)
    {
        FilePaths = files;
        _labels = labels;
        ClassNames = classNames;
        _labelMode = labelMode;
        _batchSize = batchSize;
        _maxLength = maxLength;
    }

    /// <summary>Keras's <c>class_names</c>: the class of label i (the sorted subdirectory names); null without labels.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The files in the order batches read them (Keras's index order, shuffled as NumPy's RandomState(seed)).</summary>
    public IReadOnlyList<string> FilePaths { get; }

    /// <summary>Number of batches.</summary>
    public int Count => (FilePaths.Count + _batchSize - 1) / _batchSize;

    /// <summary>Batch <paramref name="index"/>: the texts (UTF-8, cut to maxLength characters) and their labels as labelMode asks (null for labelMode null).</summary>
    public (string[] Texts, Tensor? Labels) this[int index]
    {
        get
        {
            if (index < 0 || index >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"TextDataset has {Count} batches; index {index} is out of range.");
            }
            int first = index * _batchSize, n = Math.Min(_batchSize, FilePaths.Count - first);
            var texts = new string[n];
            for (int i = 0; i < n; i++)
            {
                var text = File.ReadAllText(FilePaths[first + i], Encoding.UTF8);
                texts[i] = _maxLength is { } m && text.Length > m ? text[..m] : text;
            }
            if (_labels is null || _labelMode is null)
            {
                return (texts, null);
            }
            var ids = _labels.AsSpan(first, n).ToArray();
            Tensor labels = _labelMode switch
            {
                "int" => Tensor.FromArray(ids),
                "binary" => Tensor.FromArray(Array.ConvertAll(ids, v => (float)v), n, 1),
                _ => Keras.Utils.ToCategorical(ids, ClassNames!.Count),
            };
            return (texts, labels);
        }
    }

    /// <summary>The batches in order.</summary>
    public IEnumerator<(string[] Texts, Tensor? Labels)> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Keras's index_directory and get_training_or_validation_split for .txt files, with its argument checks.</summary>
    internal static TextDataset Create(string directory, string labels, string? labelMode, IReadOnlyList<string>? classNames, int batchSize,
        int? maxLength, bool shuffle, int? seed, double? validationSplit, string? subset, bool followLinks)
    {
        const string fn = "TextDatasetFromDirectory";
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{fn}: directory '{directory}' does not exist.");
        }
        if (labels is not ("inferred" or "none"))
        {
            throw new ArgumentException($"{fn}: labels must be \"inferred\" or \"none\" (explicit label lists: index the files yourself), got \"{labels}\".", nameof(labels));
        }
        if (labelMode is not (null or "int" or "categorical" or "binary"))
        {
            throw new ArgumentException($"{fn}: labelMode must be \"int\", \"categorical\", \"binary\" or null, got \"{labelMode}\".", nameof(labelMode));
        }
        if (labels == "none")
        {
            labelMode = null;
            if (classNames is not null)
            {
                throw new ArgumentException($"{fn}: classNames can only be given with labels=\"inferred\".", nameof(classNames));
            }
        }
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"{fn}: batchSize must be >= 1, got {batchSize}.");
        }
        if (validationSplit is { } vs && !(vs > 0 && vs < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, $"{fn}: validationSplit must be between 0 and 1, got {vs}.");
        }
        if (validationSplit is not null && subset is not ("training" or "validation"))
        {
            throw new ArgumentException($"{fn}: with validationSplit, subset must be \"training\" or \"validation\" (call twice, with the same seed, for both), got \"{subset}\".", nameof(subset));
        }
        if (validationSplit is not null && shuffle && seed is null)
        {
            throw new ArgumentException($"{fn}: with validationSplit and shuffle, give a seed so that the training and validation subsets do not overlap.", nameof(seed));
        }
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = followLinks ? 0 : FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        var subdirs = labels == "inferred"
            ? Directory.GetDirectories(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        if (classNames is not null)
        {
            var missing = classNames.Where(c => !subdirs.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                throw new ArgumentException($"{fn}: classNames did not match the subdirectories of '{directory}': expected a subset of [{string.Join(", ", subdirs)}], got [{string.Join(", ", classNames)}].", nameof(classNames));
            }
            subdirs = [.. classNames];
        }
        var files = new List<string>();
        var ids = new List<int>();
        if (labels == "inferred")
        {
            for (int c = 0; c < subdirs.Count; c++)
            {
                foreach (var f in TxtFiles(Path.Combine(directory, subdirs[c]!), options))
                {
                    files.Add(f);
                    ids.Add(c);
                }
            }
        }
        else
        {
            files.AddRange(TxtFiles(directory, options));
        }
        if (labelMode == "binary" && subdirs.Count != 2)
        {
            throw new ArgumentException($"{fn}: labelMode \"binary\" needs exactly 2 classes, found {subdirs.Count} in '{directory}'.", nameof(labelMode));
        }
        var paths = files.ToArray();
        var labelArray = ids.ToArray();
        if (shuffle)
        {
            int s = seed ?? SeedGenerator.Global.NextInt(1_000_000);
            new NumpyRandomState(s).Shuffle<string>(paths);
            new NumpyRandomState(s).Shuffle<int>(labelArray);
        }
        if (validationSplit is { } split)
        {
            int val = (int)(split * paths.Length), train = paths.Length - val;
            (paths, labelArray) = subset == "training" ? (paths[..train], labelArray[..train]) : (paths[train..], labelArray[train..]);
        }
        return new TextDataset(paths, labels == "inferred" ? labelArray : null, labels == "inferred" ? [.. subdirs!] : null, labelMode, batchSize, maxLength);
    }

    /// <summary>The .txt files under a folder, walked as Keras: folders in sorted order, files sorted within each.</summary>
    private static IEnumerable<string> TxtFiles(string root, EnumerationOptions options) =>
        Directory.EnumerateFiles(root, "*", options)
            .Where(f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => Path.GetDirectoryName(f), StringComparer.Ordinal)
            .ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal);
}
