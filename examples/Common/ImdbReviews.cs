using SharpKeras.Datasets;

namespace SharpKeras.Examples;

/// <summary>The IMDB reviews of the keras-io text examples: keras.datasets.imdb when installed (never downloaded), else generated reviews of its shape.</summary>
internal static class ImdbReviews
{
    /// <summary>keras.datasets.imdb.load_data(num_words=<paramref name="numWords"/>) cut to <paramref name="samples"/> reviews each, or generated reviews.</summary>
    public static ((int[][], Tensor), (int[][], Tensor), string) Load(int numWords, int samples, string? dataPath)
    {
        try
        {
            var ((xTrain, yTrain), (xVal, yVal)) = dataPath is null
                ? Imdb.LoadData(numWords: numWords, download: false)
                : Imdb.LoadData(Path.Combine(dataPath, "imdb.npz"), numWords: numWords, download: false);
            int n = Math.Min(samples, xTrain.Length), m = Math.Min(samples, xVal.Length);
            return ((xTrain[..n], yTrain.Slice(0, n)), (xVal[..m], yVal.Slice(0, m)), "real IMDB");
        }
        catch (FileNotFoundException)
        {
            return (Generated(samples, 1, numWords), Generated(samples, 2, numWords), "generated reviews (imdb.npz not found)");
        }
    }

    /// <summary>Reviews as IMDB's word ids (1 = start, 2 = out of vocabulary, words from 4): a positive review uses more of
    /// ids 4..53, a negative one more of 54..103, inside common words; lengths vary around the padded length.</summary>
    private static (int[][] X, Tensor Y) Generated(int n, int seed, int numWords)
    {
        var rng = new Random(seed);
        var x = new int[n][];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int label = rng.Next(2);
            y[i] = label;
            var review = new int[rng.Next(10, 300)];
            review[0] = 1;
            for (int t = 1; t < review.Length; t++)
            {
                review[t] = rng.NextDouble() < 0.2 ? (label == 1 ? 4 : 54) + rng.Next(50) : rng.Next(104, numWords);
            }
            x[i] = review;
        }
        return (x, Tensor.FromArray(y));
    }
}
