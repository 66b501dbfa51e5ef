namespace SharpKeras.Datasets;

/// <summary>
/// California housing prices (Keras's <c>keras.datasets.california_housing</c>): 20,640 districts with 8 features
/// and the median house value in dollars, read from Keras's california_housing.npz.
/// </summary>
public static class CaliforniaHousing
{
    internal const string NpzFile = "california_housing.npz";
    internal const string NpzSha256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f";
    private const string Hint = "Keras's file is https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz; put it in ~/.keras/datasets/.";

    /// <summary>
    /// Loads the data as Keras's <c>california_housing.load_data</c>: <paramref name="version"/> "large" (all samples) or
    /// "small" (the first 600), shuffled with NumPy's RandomState(<paramref name="seed"/>), the first int(n * (1 - testSplit))
    /// for training; x float32 (N, 8), y float32 (N,).
    /// </summary>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadData(string version = "large", string path = NpzFile,
        double testSplit = 0.2, int seed = 113, bool download = true)
    {
        Check(version, testSplit);
        return Load(KerasCache.Locate("California housing", path, [path], DatasetFiles.Origin + NpzFile, NpzSha256, Hint, KerasCache.Places.Default(download)),
            version, testSplit, seed);
    }

    private static void Check(string version, double testSplit)
    {
        if (!(testSplit >= 0 && testSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSplit), testSplit, $"Invalid testSplit argument: {testSplit}. It must be between 0 and 1 (exclusive of 1).");
        }
        if (version is not ("small" or "large"))
        {
            throw new ArgumentException($"Argument version must be one of 'small', 'large'. Received: version={version}", nameof(version));
        }
    }

    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(string file, string version, double testSplit, int seed)
    {
        Check(version, testSplit);
        var (x, y) = BostonHousing.ReadXY(file, Hint);
        if (version == "small")
        {
            int n = Math.Min(600, x.Shape[0]);
            (x, y) = (x.Slice(0, n), y.Slice(0, n));
        }
        return KerasCache.ShuffleSplit(x, y, testSplit, seed, "CaliforniaHousing.LoadData");
    }
}
