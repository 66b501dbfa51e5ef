using SharpKeras.Saving;
using SharpKeras.Utils;

namespace SharpKeras.Datasets;

/// <summary>
/// IMDB movie-review sentiment (Keras's <c>keras.datasets.imdb</c>): 25,000 training and 25,000 test reviews as
/// sequences of word ids ranked by frequency, labelled 1 (positive) or 0, read from Keras's imdb.npz.
/// </summary>
public static class Imdb
{
    internal const string NpzFile = "imdb.npz";
    internal const string NpzSha256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f";
    internal const string WordIndexFile = "imdb_word_index.json";
    internal const string WordIndexMd5 = "bfafd718b763782e994055a2d397834f";
    private const string Hint = "Keras's file is https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz; put it in ~/.keras/datasets/.";

    /// <summary>
    /// Loads IMDB as Keras's <c>imdb.load_data</c>: ((xTrain, yTrain), (xTest, yTest)) with x a list of word-id
    /// sequences and y int32 labels. Both sets are shuffled with NumPy's RandomState(<paramref name="seed"/>) as Keras
    /// does; each sequence starts with <paramref name="startChar"/> and word ids are offset by <paramref name="indexFrom"/>;
    /// sequences of <paramref name="maxlen"/> or more words are dropped; ids outside [skipTop, numWords) become
    /// <paramref name="oovChar"/> (or are dropped when it is null). <paramref name="path"/> is relative to ~/.keras/datasets
    /// (or absolute); the file is downloaded with Keras's checksum when missing and <paramref name="download"/> allows.
    /// </summary>
    public static ((int[][] XTrain, Tensor YTrain), (int[][] XTest, Tensor YTest)) LoadData(string path = NpzFile, int? numWords = null, int skipTop = 0,
        int? maxlen = null, int seed = 113, int? startChar = 1, int? oovChar = 2, int indexFrom = 3, bool download = true)
        => Load(KerasCache.Locate("IMDB", path, [path], DatasetFiles.Origin + NpzFile, NpzSha256, Hint, KerasCache.Places.Default(download)),
            numWords, skipTop, maxlen, seed, startChar, oovChar, indexFrom);

    /// <summary>The word index (Keras's <c>imdb.get_word_index</c>): word to rank, 1 the most frequent; add indexFrom to match LoadData's ids.</summary>
    public static IReadOnlyDictionary<string, int> GetWordIndex(string path = WordIndexFile, bool download = true)
        => WordSequences.ReadWordIndex(KerasCache.Locate("The IMDB word index", path, [path], DatasetFiles.Origin + WordIndexFile, WordIndexMd5, Hint,
            KerasCache.Places.Default(download)), Hint);

    /// <summary>Reads and processes an imdb.npz file (tests pass small generated ones).</summary>
    internal static ((int[][] XTrain, Tensor YTrain), (int[][] XTest, Tensor YTest)) Load(string file, int? numWords, int skipTop,
        int? maxlen, int seed, int? startChar, int? oovChar, int indexFrom)
    {
        WordSequences.CheckArguments("Imdb.LoadData", numWords, skipTop, maxlen);
        var xTrain = NpzObjects.Sequences(file, "x_train", Hint);
        var xTest = NpzObjects.Sequences(file, "x_test", Hint);
        var labels = NumpyFile.ReadNpz(file, ["y_train", "y_test"], null, Hint);
        var yTrain = labels["y_train"].ToInt32Array();
        var yTest = labels["y_test"].ToInt32Array();
        if (yTrain.Length != xTrain.Length || yTest.Length != xTest.Length)
        {
            throw new InvalidDataException($"'{file}' has {xTrain.Length} training and {xTest.Length} test sequences but {yTrain.Length} and {yTest.Length} labels. {Hint}");
        }
        var rng = new NumpyRandomState(checked((uint)seed));
        (xTrain, yTrain) = WordSequences.Shuffle(rng, xTrain, yTrain);
        (xTest, yTest) = WordSequences.Shuffle(rng, xTest, yTest);
        xTrain = WordSequences.Mark(xTrain, startChar, indexFrom);
        xTest = WordSequences.Mark(xTest, startChar, indexFrom);
        if (maxlen is > 0)
        {
            (xTrain, yTrain) = WordSequences.RemoveLong(maxlen.Value, xTrain, yTrain);
            (xTest, yTest) = WordSequences.RemoveLong(maxlen.Value, xTest, yTest);
            if (xTrain.Length == 0 || xTest.Length == 0)
            {
                throw new ArgumentException($"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. Increase maxlen.", nameof(maxlen));
            }
        }
        var all = WordSequences.Limit([.. xTrain, .. xTest], numWords, skipTop, oovChar);
        return ((all[..xTrain.Length], Tensor.FromArray(yTrain)), (all[xTrain.Length..], Tensor.FromArray(yTest)));
    }
}
