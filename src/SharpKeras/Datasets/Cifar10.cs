namespace SharpKeras.Datasets;

/// <summary>
/// CIFAR-10 (Keras's <c>keras.datasets.cifar10</c>): 50,000 training and 10,000 test 32x32 colour
/// images in 10 classes, read from the standard binary distribution (cifar-10-batches-bin:
/// data_batch_1.bin ... data_batch_5.bin and test_batch.bin, each optionally gzip-compressed).
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

    /// <summary>
    /// Loads CIFAR-10 as Keras does: <c>((xTrain, yTrain), (xTest, yTest))</c>, images uint8 of shape
    /// (N, 32, 32, 3) (channels_last) and labels uint8 of shape (N, 1). Looks in <paramref name="path"/>
    /// when given (the folder of .bin files, or one holding cifar-10-batches-bin); otherwise in
    /// $KERAS_HOME/datasets, ~/.keras/datasets and /usr/share/datasets. Nothing is downloaded.
    /// </summary>
    /// <exception cref="FileNotFoundException">The data is nowhere to be found (the message says how to get it).</exception>
    /// <exception cref="InvalidDataException">A file is truncated, too long or holds a label outside 0..9 (the message names it).</exception>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadData(string? path = null)
    {
        var dir = Find(path) ?? throw new FileNotFoundException(
            $"CIFAR-10 not found{(path is null ? $" in {string.Join(", ", DatasetFiles.DefaultRoots().Select(r => Path.Combine(r, Folder)))}" : $" in '{path}'")}. {Hint}");
        return LoadFrom(dir);
    }

    /// <summary>The folder LoadData would read (all six files present), or null.</summary>
    internal static string? Find(string? path)
    {
        IEnumerable<string> candidates = path is not null
            ? [Path.GetFullPath(path), Path.Combine(Path.GetFullPath(path), Folder)]
            : DatasetFiles.DefaultRoots().Select(r => Path.Combine(r, Folder));
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
