using SharpKeras.Saving;

namespace SharpKeras.Datasets;

/// <summary>
/// Boston housing prices (Keras's <c>keras.datasets.boston_housing</c>): 506 samples of 13 features and the median
/// value in k$, read from Keras's boston_housing.npz. Keras warns that the data set has an ethical problem
/// (its "B" feature); prefer <see cref="CaliforniaHousing"/>.
/// </summary>
public static class BostonHousing
{
    internal const string NpzFile = "boston_housing.npz";
    internal const string NpzSha256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5";
    private const string Hint = "Keras's file is https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz; put it in ~/.keras/datasets/.";

    /// <summary>
    /// Loads the data as Keras's <c>boston_housing.load_data</c>: samples shuffled with NumPy's RandomState(<paramref name="seed"/>),
    /// the first int(n * (1 - testSplit)) for training; x float32 (N, 13), y float32 (N,).
    /// </summary>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadData(string path = NpzFile, double testSplit = 0.2, int seed = 113, bool download = true)
    {
        if (!(testSplit >= 0 && testSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSplit), testSplit, $"Invalid testSplit argument: {testSplit}. It must be between 0 and 1 (exclusive of 1).");
        }
        return Load(KerasCache.Locate("Boston housing", path, [path], DatasetFiles.Origin + NpzFile, NpzSha256, Hint, KerasCache.Places.Default(download)), testSplit, seed);
    }

    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(string file, double testSplit, int seed)
    {
        var (x, y) = ReadXY(file, Hint);
        return KerasCache.ShuffleSplit(x, y, testSplit, seed, "BostonHousing.LoadData");
    }

    /// <summary>The x and y arrays of a housing .npz, as float32, with matching sample counts.</summary>
    internal static (Tensor X, Tensor Y) ReadXY(string file, string hint)
    {
        var arrays = NumpyFile.ReadNpz(file, ["x", "y"], null, hint);
        var x = arrays["x"].IsFloat ? arrays["x"] : arrays["x"].Cast(DType.Float32);
        var y = arrays["y"].IsFloat ? arrays["y"] : arrays["y"].Cast(DType.Float32);
        if (x.Rank != 2 || y.Rank < 1 || x.Shape[0] != y.Shape[0])
        {
            throw new InvalidDataException($"'{file}' holds x of shape {x.Shape} and y of shape {y.Shape}; expected (N, features) and (N,). {hint}");
        }
        return (x, y);
    }
}
