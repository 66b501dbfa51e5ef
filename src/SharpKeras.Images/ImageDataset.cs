using System.Globalization;
using SharpKeras.Data;

namespace SharpKeras.Images;

/// <summary>
/// The dataset Keras's <c>image_dataset_from_directory</c> returns, as a <see cref="PyDataset"/> that <c>Fit</c>,
/// <c>Evaluate</c> and <c>Predict</c> read: batch i decodes its files when asked (memory bounded by a batch and the
/// prefetch queue), images (batch, height, width, channels) float32, labels as the label mode asks.
/// </summary>
public sealed class ImageDataset : PyDataset
{
    private readonly string[] _paths;
    private readonly int[]? _labels;
    private readonly string? _labelMode;
    private readonly string _mode;
    private readonly int _height;
    private readonly int _width;
    private readonly string _interpolation;
    private readonly bool _crop;
    private readonly bool _pad;
    private readonly bool _channelsFirst;
    private readonly bool _shuffle;
    private readonly int _seed;
    private int[] _order;
    private int _epoch;

    private ImageDataset(string[] paths, int[]? labels, IReadOnlyList<string>? classNames, string? labelMode, string mode, int batchSize,
        int height, int width, string interpolation, bool crop, bool pad, bool channelsFirst, bool shuffle, int seed)
    {
        _paths = paths;
        _labels = labels;
        ClassNames = classNames;
        _labelMode = labelMode;
        _mode = mode;
        BatchSize = batchSize;
        _height = height;
        _width = width;
        _interpolation = interpolation;
        _crop = crop;
        _pad = pad;
        _channelsFirst = channelsFirst;
        _shuffle = shuffle;
        _seed = seed;
        _order = Enumerable.Range(0, paths.Length).ToArray();
    }

    /// <summary>Keras's <c>class_names</c>: the class of label i; null without labels.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Keras's <c>file_paths</c>: the files in index order (Keras's sorted walk, shuffled by NumPy RandomState(seed), then split).</summary>
    public IReadOnlyList<string> FilePaths => _paths;

    /// <summary>The labels of <see cref="FilePaths"/> as integer class indices; null without labels.</summary>
    public IReadOnlyList<int>? Labels => _labels;

    /// <summary>Images per batch (the last batch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Number of images.</summary>
    public int Samples => _paths.Length;

    /// <summary>The validation dataset when made with subset "both"; null otherwise.</summary>
    public ImageDataset? Validation { get; private set; }

    /// <summary>Keras's <c>len(dataset)</c>: the number of batches.</summary>
    public override int Length => (_paths.Length + BatchSize - 1) / BatchSize;

    /// <summary>Batch <paramref name="index"/>: its images decoded and resized, with their labels unless the label mode is null.</summary>
    public override Batch this[int index]
    {
        get
        {
            if (index < 0 || index >= Length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"ImageDataset has {Length} batches; index {index} is out of range.");
            }
            var order = _order;
            int first = index * BatchSize, n = Math.Min(BatchSize, _paths.Length - first);
            int c = Image.ChannelsOf(_mode, "colorMode"), size = _height * _width * c;
            var x = new float[n * size];
            try
            {
                Parallel.For(0, n, i => DecodeInto(x, order, first, i, size, c, index));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // The first failing file's own error, as a serial loop would raise it.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            var images = _channelsFirst ? Tensor.FromArray(x, n, c, _height, _width) : Tensor.FromArray(x, n, _height, _width, c);
            if (_labels is null || _labelMode is null)
            {
                return new Batch(images);
            }
            var ids = new int[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = _labels[order[first + i]];
            }
            Tensor labels = _labelMode switch
            {
                "int" => Tensor.FromArray(ids),
                "binary" => Tensor.FromArray(Array.ConvertAll(ids, v => (float)v), n, 1),
                _ => Keras.Utils.ToCategorical(ids, ClassNames!.Count),
            };
            return new Batch(images, labels);
        }
    }

    private void DecodeInto(float[] x, int[] order, int first, int i, int size, int c, int index)
    {
        string path = _paths[order[first + i]];
        Image img;
        try
        {
            img = ImageCodec.Decode(path, "ImageDatasetFromDirectory").Convert(_mode);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"ImageDatasetFromDirectory: could not read image '{path}' (batch {index}): {e.Message}", e);
        }
        var dst = x.AsSpan(i * size, size);
        TfResizer.Load(img, _height, _width, _interpolation, _crop, _pad, dst);
        if (_channelsFirst)
        {
            var hwc = dst.ToArray();
            int pixels = _height * _width;
            for (int p = 0; p < pixels; p++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    dst[ch * pixels + p] = hwc[p * c + ch];
                }
            }
        }
    }

    /// <summary>
    /// Reshuffles the files for the next epoch when made with shuffle (Keras's tf.data pipeline reshuffles each
    /// iteration; its order is TensorFlow's and cannot be reproduced, so this one is NumPy RandomState(seed + epoch)).
    /// </summary>
    public override void OnEpochEnd()
    {
        if (!_shuffle)
        {
            return;
        }
        _epoch++;
        var order = Enumerable.Range(0, _paths.Length).ToArray();
        new NumpyShuffle((uint)(_seed + _epoch)).Shuffle(order);
        _order = order;
    }

    /// <summary>Python's <c>train_ds, val_ds = image_dataset_from_directory(..., subset="both")</c>.</summary>
    public void Deconstruct(out ImageDataset training, out ImageDataset validation)
    {
        training = this;
        validation = Validation ?? throw new InvalidOperationException("ImageDataset: only a dataset made with subset \"both\" deconstructs into (training, validation).");
    }

    internal static ImageDataset Create(string directory, bool inferred, int[]? explicitLabels, string? labelMode, IReadOnlyList<string>? classNames,
        string colorMode, int batchSize, (int Height, int Width)? imageSize, bool shuffle, int? seed, double? validationSplit, string? subset,
        string interpolation, bool followLinks, bool crop, bool pad, string? dataFormat, bool verbose)
    {
        const string fn = "ImageDatasetFromDirectory";
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{fn}: directory '{directory}' does not exist.");
        }
        if (labelMode is not (null or "int" or "categorical" or "binary"))
        {
            throw new ArgumentException($"{fn}: labelMode must be \"int\", \"categorical\", \"binary\" or null, got \"{labelMode}\".", nameof(labelMode));
        }
        bool labelled = inferred || explicitLabels is not null;
        if (!labelled || labelMode is null)
        {
            labelMode = null;
        }
        string mode = ImageUtils.ModeOf(colorMode, fn);
        var (height, width) = imageSize ?? (256, 256);
        if (height < 1 || width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"{fn}: imageSize must be (height >= 1, width >= 1), got ({height}, {width}).");
        }
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"{fn}: batchSize must be >= 1, got {batchSize}.");
        }
        interpolation = interpolation?.ToLowerInvariant() ?? throw new ArgumentNullException(nameof(interpolation));
        string[] kerasInterpolations = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"];
        if (!kerasInterpolations.Contains(interpolation))
        {
            throw new ArgumentException($"{fn}: interpolation must be one of ({string.Join(", ", kerasInterpolations)}), got \"{interpolation}\".", nameof(interpolation));
        }
        if (!TfResizer.Supported.Contains(interpolation))
        {
            throw new ArgumentException($"{fn}: interpolation \"{interpolation}\" is one of Keras's but not implemented in SharpKeras.Images; use \"bilinear\" (the default) or \"nearest\".", nameof(interpolation));
        }
        if (crop && pad)
        {
            throw new ArgumentException($"{fn}: only one of cropToAspectRatio and padToAspectRatio can be true.", "padToAspectRatio");
        }
        bool channelsFirst = ImageUtils.ChannelsFirst(dataFormat, fn);
        if (validationSplit is { } vs && !(vs > 0 && vs < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, $"{fn}: validationSplit must be between 0 and 1, got {vs}.");
        }
        if ((validationSplit is not null) != (subset is not null))
        {
            throw new ArgumentException($"{fn}: if subset is set, validationSplit must be set, and inversely (got validationSplit {validationSplit?.ToString(CultureInfo.InvariantCulture) ?? "null"}, subset {subset ?? "null"}).", nameof(subset));
        }
        if (subset is not (null or "training" or "validation" or "both"))
        {
            throw new ArgumentException($"{fn}: subset must be \"training\", \"validation\" or \"both\", got \"{subset}\".", nameof(subset));
        }
        if (validationSplit is not null && shuffle && seed is null)
        {
            throw new ArgumentException($"{fn}: with validationSplit and shuffle, give a seed so that the training and validation subsets do not overlap.", nameof(seed));
        }
        int s = seed ?? (int)Keras.Random.Uniform([1], 0, 1_000_000).Item();

        var (paths, labels, names) = Index(directory, inferred, explicitLabels, classNames, followLinks);
        if (verbose)
        {
            Console.WriteLine(labels is null && explicitLabels is null && !inferred
                ? $"Found {paths.Length} files."
                : $"Found {paths.Length} files belonging to {names!.Count} classes.");
        }
        if (shuffle)
        {
            new NumpyShuffle(s).Shuffle(paths);
            if (labels is not null)
            {
                new NumpyShuffle(s).Shuffle(labels);
            }
        }
        if (labelMode == "binary" && names!.Count != 2)
        {
            throw new ArgumentException($"{fn}: labelMode \"binary\" needs exactly 2 classes, found {names.Count} ([{string.Join(", ", names)}]) in '{directory}'.", nameof(labelMode));
        }
        if (!labelled)
        {
            names = null;
        }
        ImageDataset Make(string[] p, int[]? l, bool shuffled) =>
            new(p, l, names, labelMode, mode, batchSize, height, width, interpolation, crop, pad, channelsFirst, shuffled, s);
        if (validationSplit is not { } split)
        {
            Require(paths, directory, "images");
            return Make(paths, labels, shuffle);
        }
        // Keras's get_training_or_validation_split: the last int(split * n) files validate, the rest train.
        int numVal = (int)(split * paths.Length);
        string[] trainPaths = numVal == 0 ? [] : paths[..^numVal], valPaths = numVal == 0 ? paths : paths[^numVal..];
        int[]? trainLabels = labels is null ? null : numVal == 0 ? [] : labels[..^numVal];
        int[]? valLabels = labels is null ? null : numVal == 0 ? labels : labels[^numVal..];
        if (subset is "training" or "both")
        {
            if (verbose)
            {
                Console.WriteLine($"Using {trainPaths.Length} files for training.");
            }
            Require(trainPaths, directory, "training images", numVal, split, paths.Length);
        }
        if (subset is "validation" or "both")
        {
            if (verbose)
            {
                Console.WriteLine($"Using {valPaths.Length} files for validation.");
            }
            Require(valPaths, directory, "validation images", numVal, split, paths.Length);
        }
        return subset switch
        {
            "training" => Make(trainPaths, trainLabels, shuffle),
            "validation" => Make(valPaths, valLabels, shuffle),
            _ => WithValidation(Make(trainPaths, trainLabels, shuffle), Make(valPaths, valLabels, false)),
        };
    }

    private static ImageDataset WithValidation(ImageDataset train, ImageDataset validation)
    {
        train.Validation = validation;
        return train;
    }

    private static void Require(string[] paths, string directory, string what, int numVal = -1, double split = 0, int total = 0)
    {
        if (paths.Length > 0)
        {
            return;
        }
        string why = numVal == 0
            ? $" (validationSplit {split.ToString(CultureInfo.InvariantCulture)} of {total} files is 0 files, and Keras's split then leaves no training files)"
            : "";
        throw new InvalidDataException($"ImageDatasetFromDirectory: no {what} found in directory '{directory}'{why}. Allowed formats: .bmp, .gif, .jpeg, .jpg, .png.");
    }

    private static readonly string[] AllowedFormats = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];

    // Keras's index_directory: class subdirectories (sorted, hidden ones skipped, or classNames' order), each walked
    // with folders in sorted order and files sorted within each.
    private static (string[] Paths, int[]? Labels, IReadOnlyList<string>? ClassNames) Index(string directory, bool inferred, int[]? explicitLabels,
        IReadOnlyList<string>? classNames, bool followLinks)
    {
        const string fn = "ImageDatasetFromDirectory";
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = followLinks ? 0 : FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        if (!inferred)
        {
            if (classNames is not null)
            {
                throw new ArgumentException(explicitLabels is null
                    ? $"{fn}: when labels is null (no labels), classNames cannot be given."
                    : $"{fn}: when labels is a list, classNames cannot be given (the class names are the sorted labels).", nameof(classNames));
            }
            var all = Walk(directory, options).ToArray();
            if (explicitLabels is null)
            {
                return (all, null, null);
            }
            if (explicitLabels.Length != all.Length)
            {
                throw new ArgumentException($"{fn}: expected the length of labels to match the number of files in '{directory}': labels has {explicitLabels.Length} entries, the directory {all.Length} image files.", "labels");
            }
            var names = explicitLabels.Distinct().Order().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList();
            return (all, (int[])explicitLabels.Clone(), names);
        }
        var subdirs = Directory.GetDirectories(directory).Select(d => Path.GetFileName(d)!)
            .Where(d => !d.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (classNames is not null)
        {
            if (classNames.Any(c => !subdirs.Contains(c)))
            {
                throw new ArgumentException($"{fn}: classNames did not match the subdirectories of '{directory}': expected [{string.Join(", ", subdirs)}] (or a subset of it), got [{string.Join(", ", classNames)}].", nameof(classNames));
            }
            subdirs = [.. classNames];
        }
        var files = new List<string>();
        var ids = new List<int>();
        for (int c = 0; c < subdirs.Count; c++)
        {
            foreach (var f in Walk(Path.Combine(directory, subdirs[c]), options))
            {
                files.Add(f);
                ids.Add(c);
            }
        }
        return ([.. files], [.. ids], subdirs);
    }

    private static IEnumerable<string> Walk(string root, EnumerationOptions options) =>
        Directory.EnumerateFiles(root, "*", options)
            .Where(f => AllowedFormats.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(f => Path.GetDirectoryName(f), StringComparer.Ordinal)
            .ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal);
}
