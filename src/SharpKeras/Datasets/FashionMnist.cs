namespace SharpKeras.Datasets;

/// <summary>
/// Fashion-MNIST (Keras's <c>keras.datasets.fashion_mnist</c>): 60,000 training and 10,000 test
/// grayscale 28x28 images of clothing in 10 classes.
/// </summary>
public static class FashionMnist
{
    internal const string Name = "Fashion-MNIST";
    internal const string Folder = "fashion-mnist";

    internal static readonly string Hint =
        "To get Fashion-MNIST: 'sudo apt-get install dataset-fashion-mnist' (Debian/Ubuntu; installs " +
        $"{DatasetFiles.SystemDatasets}/{Folder}), or download {string.Join(", ", Idx.FileNames.Select(f => f + ".gz"))} " +
        $"from {DatasetFiles.Origin} into ~/.keras/datasets/{Folder}/, or pass the folder holding them as LoadData(path).";

    /// <summary>
    /// Loads Fashion-MNIST as Keras does: <c>((xTrain, yTrain), (xTest, yTest))</c>, images uint8 of shape
    /// (N, 28, 28) and labels uint8 of shape (N,). Looks in <paramref name="path"/> when given (and only
    /// there); otherwise in $KERAS_HOME/datasets/fashion-mnist, ~/.keras/datasets/fashion-mnist and
    /// /usr/share/datasets/fashion-mnist, and downloads from Keras's origin only when nothing is found and
    /// <paramref name="download"/> is true and SHARPKERAS_NO_DOWNLOAD is not set to 1.
    /// </summary>
    /// <param name="path">A folder holding the four IDX files (each as name.gz or uncompressed), or null to search.</param>
    /// <param name="download">False never touches the network.</param>
    /// <exception cref="FileNotFoundException">The data is nowhere to be found (the message says how to get it).</exception>
    /// <exception cref="InvalidDataException">A file is truncated or corrupt (the message names it).</exception>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadData(string? path = null, bool download = true)
        => Load(path, DatasetFiles.DefaultRoots(), DatasetFiles.DownloadsAllowed(download), DatasetFiles.DownloadRoot());

    /// <summary>The folder LoadData would read without downloading (all four files present), or null.</summary>
    internal static string? FindLocal() => FindLocal(DatasetFiles.DefaultRoots());

    /// <summary>The first fashion-mnist folder under <paramref name="roots"/> holding all four files, or null.</summary>
    internal static string? FindLocal(IReadOnlyList<string> roots)
        => roots.Select(r => Path.Combine(r, Folder)).FirstOrDefault(HasAll);

    /// <summary>LoadData with the search roots and download folder given (tests pass temporary folders).</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(
        string? path, IReadOnlyList<string> roots, bool download, string downloadRoot)
    {
        if (path is not null)
        {
            var dir = Path.GetFullPath(path);
            if (HasAny(dir))
            {
                return Idx.LoadSet(dir, Name, Hint);
            }
            var sub = Path.Combine(dir, Folder);
            if (HasAny(sub))
            {
                return Idx.LoadSet(sub, Name, Hint);
            }
            throw NotFound([dir, sub], "An explicit path is searched alone, and nothing is downloaded for it.", null);
        }

        var candidates = roots.Select(r => Path.Combine(r, Folder)).ToList();
        var downloadDir = Path.Combine(downloadRoot, Folder);
        foreach (var dir in candidates)
        {
            if (!HasAny(dir))
            {
                continue;
            }
            if (download && !HasAll(dir) && string.Equals(Path.GetFullPath(dir), Path.GetFullPath(downloadDir), StringComparison.Ordinal))
            {
                break;
            }
            return Idx.LoadSet(dir, Name, Hint);
        }
        if (!download)
        {
            throw NotFound(candidates, $"Downloads are disabled (download: false or {DatasetFiles.NoDownloadVariable}=1).", null);
        }
        try
        {
            foreach (var (name, magic) in Idx.FileNames.Zip([Idx.ImagesMagic, Idx.LabelsMagic, Idx.ImagesMagic, Idx.LabelsMagic]))
            {
                if (DatasetFiles.FindVariant(downloadDir, name) is null)
                {
                    DatasetFiles.Download(DatasetFiles.Origin + name + ".gz", Path.Combine(downloadDir, name + ".gz"),
                        tmp => Idx.Read(tmp, magic, Hint));
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or UnauthorizedAccessException)
        {
            throw NotFound(candidates, $"Downloading from {DatasetFiles.Origin} into {downloadDir} failed: {ex.Message}", ex);
        }
        return Idx.LoadSet(downloadDir, Name, Hint);
    }

    private static bool HasAny(string dir)
        => Directory.Exists(dir) && Idx.FileNames.Any(f => DatasetFiles.FindVariant(dir, f) is not null);

    private static bool HasAll(string dir)
        => Directory.Exists(dir) && Idx.FileNames.All(f => DatasetFiles.FindVariant(dir, f) is not null);

    private static FileNotFoundException NotFound(IEnumerable<string> searched, string reason, Exception? inner)
        => new(
            $"{Name} was not found. Looked for {string.Join(", ", Idx.FileNames.Select(f => f + ".gz"))} " +
            $"(each also accepted uncompressed, without .gz) in:{DatasetFiles.Bullets(searched)}\n{reason}\n{Hint}",
            inner);
}
