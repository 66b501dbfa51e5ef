// keras-io "Bidirectional LSTM on IMDB" (examples/nlp/bidirectional_lstm_imdb.py): Embedding(max_features, 128),
// two Bidirectional(LSTM(64)) layers, Dense(1, sigmoid), trained on keras.datasets.imdb padded with pad_sequences.
// IMDB from the Keras cache or --data when present (never downloaded here), else generated reviews of its shape.
using System.Globalization;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>bidirectional_lstm_imdb as a function the example program and the smoke test both run.</summary>
internal static class BidirectionalLstmImdbExample
{
    /// <summary>Trains on <paramref name="samples"/> reviews cut to <paramref name="maxlen"/> words; returns the per-epoch losses and the RESULT line.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath, int maxlen = 200)
    {
        int maxFeatures = 20000;  // Only consider the top 20k words
        // maxlen: only consider the first 200 words of each movie review

        // Input for variable-length sequences of integers (a fixed length here: Keras.Input has no None dimension)
        var inputs = Keras.Input([maxlen], dtype: DType.Int32);
        // Embed each integer in a 128-dimensional vector
        var x = new Embedding(maxFeatures, 128).Apply(inputs);
        // Add 2 bidirectional LSTMs
        x = new Bidirectional(new LSTM(64, returnSequences: true)).Apply(x);
        x = new Bidirectional(new LSTM(64)).Apply(x);
        // Add a classifier
        var outputs = new Dense(1, activation: "sigmoid").Apply(x);
        var model = new Model(inputs, outputs);
        if (verbose > 0)
        {
            model.Summary();
        }

        // Load the IMDB movie review sentiment data
        var ((xTrainSeqs, yTrain), (xValSeqs, yVal), source) = LoadImdb(maxFeatures, samples, dataPath);
        if (verbose > 0)
        {
            Console.WriteLine($"{xTrainSeqs.Length} Training sequences ({source})");
            Console.WriteLine($"{xValSeqs.Length} Validation sequences");
        }
        // Use pad_sequence to standardize sequence length:
        // this will truncate sequences longer than 200 words and zero-pad sequences shorter than 200 words.
        var xTrain = Keras.Utils.PadSequences(xTrainSeqs, maxlen: maxlen);
        var xVal = Keras.Utils.PadSequences(xValSeqs, maxlen: maxlen);

        // Train and evaluate the model
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, validationData: (xVal, yVal), verbose: verbose);

        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} val_accuracy={history["val_accuracy"][^1]:F4} samples={xTrain.Shape[0]} maxlen={maxlen} data={(source.StartsWith("real", StringComparison.Ordinal) ? "imdb" : "generated")}");
        return (history["loss"], result);
    }

    /// <summary>keras.datasets.imdb.load_data(num_words=max_features) cut to <paramref name="samples"/> reviews each, or generated reviews.</summary>
    private static ((int[][], Tensor), (int[][], Tensor), string) LoadImdb(int maxFeatures, int samples, string? dataPath)
    {
        try
        {
            var ((xTrain, yTrain), (xVal, yVal)) = dataPath is null
                ? Imdb.LoadData(numWords: maxFeatures, download: false)
                : Imdb.LoadData(Path.Combine(dataPath, "imdb.npz"), numWords: maxFeatures, download: false);
            int n = Math.Min(samples, xTrain.Length), m = Math.Min(samples, xVal.Length);
            return ((xTrain[..n], yTrain.Slice(0, n)), (xVal[..m], yVal.Slice(0, m)), "real IMDB");
        }
        catch (FileNotFoundException)
        {
            return (Reviews(samples, 1, maxFeatures), Reviews(samples, 2, maxFeatures), "generated reviews (imdb.npz not found)");
        }
    }

    /// <summary>Reviews as IMDB's word ids (1 = start, 2 = out of vocabulary, words from 4): a positive review uses more of
    /// ids 4..53, a negative one more of 54..103, inside common words; lengths vary around the padded length.</summary>
    private static (int[][] X, Tensor Y) Reviews(int n, int seed, int maxFeatures)
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
                review[t] = rng.NextDouble() < 0.2 ? (label == 1 ? 4 : 54) + rng.Next(50) : rng.Next(104, maxFeatures);
            }
            x[i] = review;
        }
        return (x, Tensor.FromArray(y));
    }
}
