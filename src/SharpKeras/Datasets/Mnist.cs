using SharpKeras.Saving;

namespace SharpKeras.Datasets;

/// <summary>
/// MNIST (Keras's <c>keras.datasets.mnist</c>): 60,000 training and 10,000 test grayscale 28x28
/// images of handwritten digits.
/// </summary>
public static class Mnist
{
    internal const string Name = "MNIST";
    internal const string NpzFile = "mnist.npz";
    internal const string Folder = "mnist";

    /// <summary>SHA-256 of Keras's mnist.npz, checked on download (the same hash Keras checks).</summary>
    internal const string NpzSha256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1";

    internal static readonly string[] NpzArrays = ["x_train", "y_train", "x_test", "y_test"];

    internal static readonly string Hint =
        $"To get MNIST: download {DatasetFiles.Origin}{NpzFile} into ~/.keras/datasets/ (Keras's cache), " +
        $"or put {string.Join(", ", Idx.FileNames.Select(f => f + ".gz"))} in ~/.keras/datasets/{Folder}/ " +
        "(or /usr/share/datasets/mnist), or pass the folder (or the .npz file) as LoadData(path).";

    /// <summary>
    /// Loads MNIST as Keras does: <c>((xTrain, yTrain), (xTest, yTest))</c>, images uint8 of shape
    /// (N, 28, 28) and labels uint8 of shape (N,). Reads Keras's mnist.npz or the four IDX files. Looks in
    /// <paramref name="path"/> when given (and only there); otherwise in $KERAS_HOME/datasets,
    /// ~/.keras/datasets and /usr/share/datasets (mnist.npz, or IDX files under mnist/), and downloads
    /// mnist.npz from Keras's origin only when nothing is found and <paramref name="download"/> is true and
    /// SHARPKERAS_NO_DOWNLOAD is not set to 1.
    /// </summary>
    /// <param name="path">An .npz file, or a folder holding mnist.npz or the IDX files; null to search.</param>
    /// <param name="download">False never touches the network.</param>
    /// <exception cref="FileNotFoundException">The data is nowhere to be found (the message says how to get it).</exception>
    /// <exception cref="InvalidDataException">A file is truncated or corrupt (the message names it).</exception>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadData(string? path = null, bool download = true)
        => Load(path, DatasetFiles.DefaultRoots(), DatasetFiles.DownloadsAllowed(download), DatasetFiles.DownloadRoot());

    /// <summary>The mnist.npz file or IDX folder LoadData would read without downloading, or null.</summary>
    internal static string? FindLocal() => FindLocal(DatasetFiles.DefaultRoots());

    /// <summary>The first mnist.npz or complete IDX folder under <paramref name="roots"/>, or null.</summary>
    internal static string? FindLocal(IReadOnlyList<string> roots)
    {
        foreach (var root in roots)
        {
            var npz = Path.Combine(root, NpzFile);
            if (File.Exists(npz))
            {
                return npz;
            }
            var dir = Path.Combine(root, Folder);
            if (Directory.Exists(dir) && Idx.FileNames.All(f => DatasetFiles.FindVariant(dir, f) is not null))
            {
                return dir;
            }
        }
        return null;
    }

    /// <summary>LoadData with the search roots and download folder given (tests pass temporary folders).</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(
        string? path, IReadOnlyList<string> roots, bool download, string downloadRoot)
    {
        if (path is not null)
        {
            var full = Path.GetFullPath(path);
            if (File.Exists(full))
            {
                return LoadNpz(full);
            }
            var found = Probe(full) ?? Probe(Path.Combine(full, Folder));
            if (found is not null)
            {
                return found.Value;
            }
            throw NotFound([full, Path.Combine(full, Folder)],
                "An explicit path is searched alone, and nothing is downloaded for it.", null);
        }

        var searched = new List<string>();
        foreach (var root in roots)
        {
            searched.Add(Path.Combine(root, NpzFile));
            var npz = Path.Combine(root, NpzFile);
            if (File.Exists(npz))
            {
                return LoadNpz(npz);
            }
            var dir = Path.Combine(root, Folder);
            searched.Add(dir + Path.DirectorySeparatorChar);
            if (HasAnyIdx(dir))
            {
                return Idx.LoadSet(dir, Name, Hint);
            }
        }
        if (!download)
        {
            throw NotFound(searched, $"Downloads are disabled (download: false or {DatasetFiles.NoDownloadVariable}=1).", null);
        }
        var target = Path.Combine(downloadRoot, NpzFile);
        try
        {
            return DatasetFiles.Download(DatasetFiles.Origin + NpzFile, target, tmp =>
            {
                var sha = DatasetFiles.Sha256(tmp);
                if (!string.Equals(sha, NpzSha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"its SHA-256 is {sha}, expected {NpzSha256}.");
                }
                return LoadNpz(tmp);
            });
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or UnauthorizedAccessException)
        {
            throw NotFound(searched, $"Downloading {DatasetFiles.Origin}{NpzFile} to {target} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Reads Keras's mnist.npz (x_train, y_train, x_test, y_test as uint8 .npy arrays).</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadNpz(string file)
    {
        var arrays = NumpyFile.ReadNpz(file, NpzArrays, require: DType.UInt8, Hint);
        return (Pair(file, arrays, "x_train", "y_train"), Pair(file, arrays, "x_test", "y_test"));
    }

    private static (Tensor X, Tensor Y) Pair(string file, Dictionary<string, Tensor> arrays, string xName, string yName)
    {
        var x = arrays[xName];
        var y = arrays[yName];
        var xShape = x.Shape.ToArray();
        var yShape = y.Shape.ToArray();
        if (xShape.Length != 3)
        {
            throw new InvalidDataException(
                $"'{file}': {xName} has shape ({string.Join(", ", xShape)}), expected 3 dimensions (N, 28, 28). {Hint}");
        }
        if (yShape.Length != 1)
        {
            throw new InvalidDataException(
                $"'{file}': {yName} has shape ({string.Join(", ", yShape)}), expected 1 dimension (N,). {Hint}");
        }
        if (xShape[0] != yShape[0])
        {
            throw new InvalidDataException(
                $"'{file}': {xName} holds {xShape[0]:N0} images but {yName} holds {yShape[0]:N0} labels; they must be equal. {Hint}");
        }
        return (x, y);
    }

    private static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest))? Probe(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return null;
        }
        var npz = Path.Combine(dir, NpzFile);
        if (File.Exists(npz))
        {
            return LoadNpz(npz);
        }
        return HasAnyIdx(dir) ? Idx.LoadSet(dir, Name, Hint) : null;
    }

    private static bool HasAnyIdx(string dir)
        => Directory.Exists(dir) && Idx.FileNames.Any(f => DatasetFiles.FindVariant(dir, f) is not null);

    private static FileNotFoundException NotFound(IEnumerable<string> searched, string reason, Exception? inner)
        => new(
            $"{Name} was not found. Looked for {NpzFile} and the IDX files " +
            $"{string.Join(", ", Idx.FileNames.Select(f => f + ".gz"))} (each also accepted without .gz) in:" +
            $"{DatasetFiles.Bullets(searched)}\n{reason}\n{Hint}",
            inner);
}
