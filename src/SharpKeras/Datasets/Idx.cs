using SharpKeras.Saving;
namespace SharpKeras.Datasets;

/// <summary>
/// Reader of IDX files (the MNIST / Fashion-MNIST format): a big-endian magic number
/// 0x0000TTRR (TT = 0x08 for unsigned bytes, RR = rank), RR big-endian uint32 dimensions, then the data.
/// </summary>
internal static class Idx
{
    /// <summary>Magic number of a uint8 array of rank 3 (images N x rows x cols).</summary>
    internal const uint ImagesMagic = 0x00000803;

    /// <summary>Magic number of a uint8 array of rank 1 (labels).</summary>
    internal const uint LabelsMagic = 0x00000801;

    /// <summary>Training images, without the .gz suffix.</summary>
    internal const string TrainImages = "train-images-idx3-ubyte";

    /// <summary>Training labels, without the .gz suffix.</summary>
    internal const string TrainLabels = "train-labels-idx1-ubyte";

    /// <summary>Test images, without the .gz suffix.</summary>
    internal const string TestImages = "t10k-images-idx3-ubyte";

    /// <summary>Test labels, without the .gz suffix.</summary>
    internal const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The four files of an MNIST-style dataset, in Keras's order, without the .gz suffix.</summary>
    internal static readonly string[] FileNames = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>
    /// Reads an IDX file (raw or gzip) whose magic must be <paramref name="expectedMagic"/>; checks the
    /// dimensions and that the data length equals their product. Errors name the file and end with
    /// <paramref name="hint"/> (how to get good data).
    /// </summary>
    internal static (int[] Dims, byte[] Data) Read(string file, uint expectedMagic, string hint)
    {
        using var stream = DatasetFiles.OpenData(file);
        return Read(stream, file, expectedMagic, hint);
    }

    /// <summary>Reads an IDX array from an open stream; <paramref name="file"/> names it in errors.</summary>
    internal static (int[] Dims, byte[] Data) Read(Stream stream, string file, uint expectedMagic, string hint)
    {
        int expectedRank = (int)(expectedMagic & 0xFF);
        string kind = expectedRank == 1 ? "label" : "image";
        Span<byte> word = stackalloc byte[4];
        int n = SafeFile.ReadFull(stream, word, file, hint);
        if (n < 4)
        {
            throw new InvalidDataException(
                $"'{file}' is truncated: expected at least 4 bytes (the IDX magic number 0x{expectedMagic:X8}), found {n}. {hint}");
        }
        uint magic = ReadBigEndian(word);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException(
                $"'{file}' is not an IDX {kind} file: magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} " +
                $"(unsigned bytes, {expectedRank} dimension{(expectedRank == 1 ? "" : "s")}). {hint}");
        }
        int headerBytes = 4 + 4 * expectedRank;
        var dims = new int[expectedRank];
        long expected = 1;
        for (int i = 0; i < expectedRank; i++)
        {
            n = SafeFile.ReadFull(stream, word, file, hint);
            if (n < 4)
            {
                throw new InvalidDataException(
                    $"'{file}' is truncated: expected a {headerBytes}-byte IDX header ({expectedRank} dimensions), " +
                    $"found {4 + 4 * i + n} bytes. {hint}");
            }
            uint d = ReadBigEndian(word);
            if (d > int.MaxValue)
            {
                throw new InvalidDataException($"'{file}' has a corrupt header: dimension {i} is {d:N0}. {hint}");
            }
            dims[i] = (int)d;
            expected = Math.Min(expected * d, (long)Array.MaxLength + 1);
        }
        var shape = "(" + string.Join(", ", dims) + ")";
        var data = DatasetFiles.ReadPayload(stream, expected, file, $"{kind}s for shape {shape}", headerBytes, hint);
        return (dims, data);
    }

    /// <summary>
    /// Loads the four IDX files of an MNIST-style dataset from <paramref name="dir"/> (each as name.gz or
    /// name) and checks that every image set has as many labels as images.
    /// </summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadSet(string dir, string dataset, string hint)
    {
        var files = new string[FileNames.Length];
        for (int i = 0; i < FileNames.Length; i++)
        {
            files[i] = DatasetFiles.FindVariant(dir, FileNames[i])
                ?? throw new FileNotFoundException(
                    $"{dataset}: '{Path.Combine(dir, FileNames[i] + ".gz")}' (or uncompressed '{FileNames[i]}') is missing; " +
                    $"the folder '{dir}' must hold all of {string.Join(", ", FileNames.Select(f => f + ".gz"))}. {hint}",
                    Path.Combine(dir, FileNames[i] + ".gz"));
        }
        return LoadFiles(files[0], files[1], files[2], files[3], hint);
    }

    /// <summary>Loads and cross-checks four IDX files given by path (train images, train labels, test images, test labels).</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadFiles(
        string trainImages, string trainLabels, string testImages, string testLabels, string hint)
    {
        var train = Pair(trainImages, trainLabels, hint);
        var test = Pair(testImages, testLabels, hint);
        return (train, test);
    }

    /// <summary>Reads an image file and its label file, checks their counts agree and wraps them as uint8 tensors.</summary>
    internal static (Tensor X, Tensor Y) Pair(string imagesFile, string labelsFile, string hint)
    {
        var (xDims, x) = Read(imagesFile, ImagesMagic, hint);
        var (yDims, y) = Read(labelsFile, LabelsMagic, hint);
        if (xDims[0] != yDims[0])
        {
            throw new InvalidDataException(
                $"'{imagesFile}' holds {xDims[0]:N0} images but '{labelsFile}' holds {yDims[0]:N0} labels; " +
                $"they must be equal (the files come from different sets or one is corrupt). {hint}");
        }
        return (Tensor.WrapBytes(x, new Shape(xDims)), Tensor.WrapBytes(y, new Shape(yDims)));
    }

    private static uint ReadBigEndian(ReadOnlySpan<byte> b) => (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
}
