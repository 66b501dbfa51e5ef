using SharpKeras.Saving;
using SharpKeras.Utils;

namespace SharpKeras.Datasets;

/// <summary>
/// Reuters newswire topics (Keras's <c>keras.datasets.reuters</c>): 11,228 newswires as word-id sequences
/// labelled with 46 topics, read from Keras's reuters.npz and split into training and test sets.
/// </summary>
public static class Reuters
{
    internal const string NpzFile = "reuters.npz";
    internal const string NpzSha256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916";
    internal const string WordIndexFile = "reuters_word_index.json";
    internal const string WordIndexMd5 = "4d44cc38712099c9e383dc6e5f11a921";
    private const string Hint = "Keras's file is https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters.npz; put it in ~/.keras/datasets/.";

    private static readonly string[] LabelNames =
    [
        "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar", "trade",
        "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
        "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei",
        "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
    ];

    /// <summary>
    /// Loads Reuters as Keras's <c>reuters.load_data</c>: the newswires shuffled with NumPy's RandomState(<paramref name="seed"/>),
    /// marked and cut as <see cref="Imdb.LoadData"/> does, then the last <paramref name="testSplit"/> of them kept for testing.
    /// </summary>
    public static ((int[][] XTrain, Tensor YTrain), (int[][] XTest, Tensor YTest)) LoadData(string path = NpzFile, int? numWords = null, int skipTop = 0,
        int? maxlen = null, double testSplit = 0.2, int seed = 113, int? startChar = 1, int? oovChar = 2, int indexFrom = 3, bool download = true)
        => Load(KerasCache.Locate("Reuters", path, [path], DatasetFiles.Origin + NpzFile, NpzSha256, Hint, KerasCache.Places.Default(download)),
            numWords, skipTop, maxlen, testSplit, seed, startChar, oovChar, indexFrom);

    /// <summary>The word index (Keras's <c>reuters.get_word_index</c>): word to rank; add indexFrom to match LoadData's ids.</summary>
    public static IReadOnlyDictionary<string, int> GetWordIndex(string path = WordIndexFile, bool download = true)
        => WordSequences.ReadWordIndex(KerasCache.Locate("The Reuters word index", path, [path], DatasetFiles.Origin + WordIndexFile, WordIndexMd5, Hint,
            KerasCache.Places.Default(download)), Hint);

    /// <summary>The 46 topic names, indexed by label (Keras's <c>reuters.get_label_names</c>).</summary>
    public static IReadOnlyList<string> GetLabelNames() => LabelNames;

    /// <summary>Reads and processes a reuters.npz file (tests pass small generated ones).</summary>
    internal static ((int[][] XTrain, Tensor YTrain), (int[][] XTest, Tensor YTest)) Load(string file, int? numWords, int skipTop,
        int? maxlen, double testSplit, int seed, int? startChar, int? oovChar, int indexFrom)
    {
        WordSequences.CheckArguments("Reuters.LoadData", numWords, skipTop, maxlen);
        if (!(testSplit >= 0 && testSplit <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSplit), testSplit, $"Reuters.LoadData: testSplit must be between 0 and 1, got {testSplit}.");
        }
        var xs = NpzObjects.Sequences(file, "x", Hint);
        var labels = NumpyFile.ReadNpz(file, ["y"], null, Hint)["y"].ToInt32Array();
        if (labels.Length != xs.Length)
        {
            throw new InvalidDataException($"'{file}' has {xs.Length} sequences but {labels.Length} labels. {Hint}");
        }
        (xs, labels) = WordSequences.Shuffle(new NumpyRandomState(checked((uint)seed)), xs, labels);
        xs = WordSequences.Mark(xs, startChar, indexFrom);
        if (maxlen is > 0)
        {
            (xs, labels) = WordSequences.RemoveLong(maxlen.Value, xs, labels);
        }
        xs = WordSequences.Limit(xs, numWords, skipTop, oovChar);
        int idx = (int)(xs.Length * (1 - testSplit));
        return ((xs[..idx], Tensor.FromArray(labels[..idx])), (xs[idx..], Tensor.FromArray(labels[idx..])));
    }
}
