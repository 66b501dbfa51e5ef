namespace SharpKeras.Datasets;

/// <summary>
/// CIFAR-100 (Keras's <c>keras.datasets.cifar100</c>): 50,000 training and 10,000 test 32x32 colour images in
/// 100 fine classes grouped into 20 coarse ones, read from Keras's cache of cifar-100-python.tar.gz.
/// </summary>
public static class Cifar100
{
    internal const string Origin = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz";
    internal const string Sha256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7";
    internal const string Folder = "cifar-100-python";
    internal const string KerasTarget = "cifar-100-python-target";
    private const string Hint = "Keras caches it as ~/.keras/datasets/cifar-100-python-target/cifar-100-python/ (or the archive cifar-100-python-target_archive); " +
        "the archive is " + Origin + ".";

    /// <summary>
    /// Loads CIFAR-100 as Keras: ((xTrain, yTrain), (xTest, yTest)), images uint8 (N, 32, 32, 3) channels_last, labels int32 (N, 1),
    /// the fine (0..99) or coarse (0..19) labels by <paramref name="labelMode"/>. Downloads Keras's archive (checked by SHA-256) when no cache exists.
    /// </summary>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadData(string labelMode = "fine", bool download = true)
        => Load(labelMode, null, KerasCache.Places.Default(download));

    /// <summary>LoadData reading <paramref name="path"/> (a cifar-100-python folder, a folder holding one, or the .tar.gz) when given, else the cache.</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(string labelMode, string? path, KerasCache.Places places)
    {
        if (labelMode is not ("fine" or "coarse"))
        {
            throw new ArgumentException($"labelMode must be one of \"fine\", \"coarse\". Received: labelMode={labelMode}.", nameof(labelMode));
        }
        var location = path is not null
            ? Cifar10.Resolve(path, Folder) ?? throw new FileNotFoundException($"CIFAR-100 not found in '{path}': expected a {Folder} folder (train, test), a folder holding one, or the .tar.gz archive. {Hint}")
            : Cifar10.FindCached(places, [Path.Combine(KerasTarget, Folder), Folder], [KerasTarget + "_archive", "cifar-100-python.tar.gz"])
                ?? KerasCache.Locate("CIFAR-100", KerasTarget + "_archive", [KerasTarget + "_archive"], Origin, Sha256, Hint, places);
        var batches = CifarPickles.Read(location, ["train", "test"], labelMode + "_labels", labelMode == "fine" ? 100 : 20, Hint);
        return (Pack(batches["train"]), Pack(batches["test"]));
    }

    private static (Tensor X, Tensor Y) Pack((byte[] Data, int[] Labels, int Count) batch)
    {
        var (images, labels) = CifarPickles.Stack([batch]);
        return (Tensor.WrapBytes(images, new Shape(batch.Count, 32, 32, 3)), Tensor.WrapInts(labels, new Shape(batch.Count, 1)));
    }
}
