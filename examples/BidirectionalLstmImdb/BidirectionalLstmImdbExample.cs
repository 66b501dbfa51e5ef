// keras-io "Bidirectional LSTM on IMDB" (examples/nlp/bidirectional_lstm_imdb.py): Embedding(max_features, 128),
// two Bidirectional(LSTM(64)) layers, Dense(1, sigmoid), trained on keras.datasets.imdb padded with pad_sequences.
// IMDB from the Keras cache or --data when present (never downloaded here), else generated reviews of its shape.
using System.Globalization;
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
        var ((xTrainSeqs, yTrain), (xValSeqs, yVal), source) = ImdbReviews.Load(maxFeatures, samples, dataPath);
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
}
