namespace SharpKeras.Datasets;

/// <summary>
/// CIFAR-10 (Keras's <c>keras.datasets.cifar10</c>): 50,000 training and 10,000 test 32x32 colour
/// images in 10 classes, read from the binary distribution (cifar-10-batches-bin, each file optionally gzip-compressed)
/// or from Keras's own cache of the python version (cifar-10-python.tar.gz).
/// </summary>
public static class Cifar10
{
    internal const string Folder = "cifar-10-batches-bin";
    private const int Side = 32;
    private const int ImageBytes = 3 * Side * Side;
    private const int RecordBytes = 1 + ImageBytes;
    private const int RecordsPerFile = 10_000;

    /// <summary>The training files, in order, then the test file.</summary>
    internal static readonly string[] FileNames = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];

    internal static readonly string Hint =
        "To get CIFAR-10: download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract it into " +
        $"~/.keras/datasets/ (giving ~/.keras/datasets/{Folder}/), or pass the folder holding the .bin files as LoadData(path).";

    internal const string PyOrigin = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz";
    internal const string PySha256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce";
    internal const string PyFolder = "cifar-10-batches-py";
    internal const string KerasTarget = "cifar-10-batches-py-target";
    private static readonly string[] PyNames = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"];

    /// <summary>
    /// Loads CIFAR-10 as Keras does: <c>((xTrain, yTrain), (xTest, yTest))</c>, images uint8 of shape
    /// (N, 32, 32, 3) (channels_last) and labels uint8 of shape (N, 1). Reads the binary batches
    /// (cifar-10-batches-bin) or Keras's own cache of the python version (cifar-10-batches-py-target/cifar-10-batches-py,
    /// cifar-10-batches-py, or the archive cifar-10-batches-py-target_archive / cifar-10-python.tar.gz, read without
    /// extracting). <paramref name="path"/>, when given, is one of those folders, a folder holding one, or the archive, and is
    /// searched alone; otherwise $KERAS_HOME/datasets, ~/.keras/datasets and /usr/share/datasets are searched and, when
    /// nothing is there, Keras's archive is downloaded (checked by SHA-256) unless SHARPKERAS_NO_DOWNLOAD=1.
    /// </summary>
    /// <exception cref="FileNotFoundException">The data is nowhere to be found (the message says how to get it).</exception>
    /// <exception cref="InvalidDataException">A file is truncated, too long or holds a label outside 0..9 (the message names it).</exception>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadData(string? path = null)
        => Load(path, KerasCache.Places.Default(download: true));

    /// <summary>LoadData with the search places given (tests pass temporary folders).</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(string? path, KerasCache.Places places)
    {
        var binary = path is null ? places.Roots.Select(r => Find(r)).FirstOrDefault(d => d is not null) : Find(path);
        if (binary is not null)
        {
            return LoadFrom(binary);
        }
        string location;
        if (path is not null)
        {
            location = Resolve(path, PyFolder, PyNames[0]) ?? throw new FileNotFoundException(
                $"CIFAR-10 not found in '{path}': expected the .bin files, the python batches (data_batch_1, ...), a {Folder} or {PyFolder} folder, or the .tar.gz archive. {Hint}");
        }
        else
        {
            location = FindCached(places, [Path.Combine(KerasTarget, PyFolder), PyFolder], [KerasTarget + "_archive", "cifar-10-python.tar.gz"])
                ?? KerasCache.Locate("CIFAR-10", KerasTarget + "_archive", [KerasTarget + "_archive"], PyOrigin, PySha256, Hint, places);
        }
        return LoadPython(location);
    }

    /// <summary>Reads the python version from a folder of pickled batches or the archive.</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadPython(string location)
    {
        var batches = CifarPickles.Read(location, PyNames, "labels", 10, Hint);
        var (train, trainLabels) = CifarPickles.Stack(PyNames[..5].Select(n => batches[n]));
        var (test, testLabels) = CifarPickles.Stack([batches[PyNames[5]]]);
        return ((Tensor.WrapBytes(train, new Shape(trainLabels.Length, Side, Side, 3)), Tensor.WrapBytes([.. trainLabels.Select(l => (byte)l)], new Shape(trainLabels.Length, 1))),
            (Tensor.WrapBytes(test, new Shape(testLabels.Length, Side, Side, 3)), Tensor.WrapBytes([.. testLabels.Select(l => (byte)l)], new Shape(testLabels.Length, 1))));
    }

    /// <summary>An explicit path as a python-version location: an archive file, a folder holding <paramref name="folder"/>, or a folder of batches; null if none.</summary>
    internal static string? Resolve(string path, string folder, string firstFile = "train")
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return full;
        }
        if (Directory.Exists(Path.Combine(full, folder)))
        {
            return Path.Combine(full, folder);
        }
        return File.Exists(Path.Combine(full, firstFile)) ? full : null;
    }

    /// <summary>The first extracted folder, then archive, that exists under a dataset root; null when none.</summary>
    internal static string? FindCached(KerasCache.Places places, IReadOnlyList<string> folders, IReadOnlyList<string> archives)
    {
        foreach (var root in places.Roots)
        {
            foreach (var f in folders)
            {
                if (Directory.Exists(Path.Combine(root, f)))
                {
                    return Path.Combine(root, f);
                }
            }
            foreach (var a in archives)
            {
                if (File.Exists(Path.Combine(root, a)))
                {
                    return Path.Combine(root, a);
                }
            }
        }
        return null;
    }

    /// <summary>The binary folder at or under <paramref name="path"/> (all six .bin files present), or null.</summary>
    internal static string? Find(string path)
    {
        IEnumerable<string> candidates = [Path.GetFullPath(path), Path.Combine(Path.GetFullPath(path), Folder)];
        return candidates.FirstOrDefault(d => FileNames.All(f => DatasetFiles.FindVariant(d, f) is not null));
    }

    /// <summary>Reads the six files of <paramref name="dir"/> (tests use fewer records per file than the real 10,000).</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadFrom(string dir, int recordsPerFile = RecordsPerFile)
    {
        var (xTrain, yTrain) = Read(dir, FileNames[..5], recordsPerFile);
        var (xTest, yTest) = Read(dir, FileNames[5..], recordsPerFile);
        return ((xTrain, yTrain), (xTest, yTest));
    }

    private static (Tensor X, Tensor Y) Read(string dir, string[] names, int recordsPerFile)
    {
        int n = names.Length * recordsPerFile;
        var images = new byte[(long)n * ImageBytes];
        var labels = new byte[n];
        for (int f = 0; f < names.Length; f++)
        {
            var file = DatasetFiles.FindVariant(dir, names[f]) ?? throw new FileNotFoundException($"CIFAR-10 file '{names[f]}' is missing from '{dir}'. {Hint}");
            byte[] data;
            using (var stream = DatasetFiles.OpenData(file))
            {
                data = DatasetFiles.ReadPayload(stream, (long)recordsPerFile * RecordBytes, file, "CIFAR-10 records", 0, Hint);
            }
            for (int r = 0; r < recordsPerFile; r++)
            {
                int i = f * recordsPerFile + r;
                var record = data.AsSpan(r * RecordBytes, RecordBytes);
                if (record[0] > 9)
                {
                    throw new InvalidDataException($"'{file}' is corrupt: record {r} has label {record[0]}, expected 0..9. {Hint}");
                }
                labels[i] = record[0];
                // Stored as 1024 red, 1024 green, 1024 blue values (row-major); Keras gives channels_last.
                var dst = images.AsSpan(i * ImageBytes, ImageBytes);
                for (int p = 0; p < Side * Side; p++)
                {
                    dst[p * 3] = record[1 + p];
                    dst[p * 3 + 1] = record[1 + Side * Side + p];
                    dst[p * 3 + 2] = record[1 + 2 * Side * Side + p];
                }
            }
        }
        return (Tensor.WrapBytes(images, new Shape(n, Side, Side, 3)), Tensor.WrapBytes(labels, new Shape(n, 1)));
    }
}
