// keras-io "Sequence to sequence learning for performing number addition" (nlp/addition_rnn.py): "535+61" ->
// "596" with an LSTM encoder, RepeatVector and an LSTM decoder returning sequences, one-hot characters in and out.
using System.Globalization;
using System.Text;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>The addition_rnn example as a function the example program and the smoke test both run.</summary>
internal static class AdditionRnnExample
{
    // Parameters for the model and dataset.
    private const int Digits = 3;
    private const bool Reverse = true;
    // Maximum length of input is 'int + int' (e.g., '345+678'). Maximum length of int is DIGITS.
    private const int MaxLen = Digits + 1 + Digits;

    /// <summary>Given a set of characters: encode them to a one-hot integer representation, decode the one-hot or
    /// integer representation to their character output, decode a vector of probabilities to their character output.</summary>
    private sealed class CharacterTable(string chars)
    {
        private readonly char[] _chars = [.. chars.Distinct().Order()];

        public int Count => _chars.Length;

        /// <summary>One-hot encode given string C into rows num_rows (the number of rows in the returned one-hot encoding).</summary>
        public void Encode(string c, int numRows, float[] into, int offset)
        {
            for (int i = 0; i < numRows; i++)
            {
                into[offset + i * Count + Array.IndexOf(_chars, c[i])] = 1f;
            }
        }

        /// <summary>Decode the given vector or 2D array to their character output (argmax of each row).</summary>
        public string Decode(ReadOnlySpan<float> x, int rows)
        {
            var sb = new StringBuilder(rows);
            for (int r = 0; r < rows; r++)
            {
                var row = x.Slice(r * Count, Count);
                int best = 0;
                for (int k = 1; k < Count; k++)
                {
                    best = row[k] > row[best] ? k : best;
                }
                sb.Append(_chars[best]);
            }
            return sb.ToString();
        }
    }

    /// <summary>Generates the data, trains one epoch at a time and prints ten validation questions after each.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int trainingSize, int epochs, int batchSize, int verbose, int seed = 1337)
    {
        // All the numbers, plus sign and space for padding.
        const string Chars = "0123456789+ ";
        var ctable = new CharacterTable(Chars);
        var rng = new Random(seed);

        var questions = new List<string>();
        var expected = new List<string>();
        var seen = new HashSet<(int, int)>();
        Console.WriteLine("Generating data...");
        while (questions.Count < trainingSize)
        {
            int F()
            {
                int length = rng.Next(1, Digits + 1);
                int value = 0;
                for (int i = 0; i < length; i++)
                {
                    value = value * 10 + rng.Next(10);
                }
                return value;
            }
            int a = F(), b = F();
            // Skip any addition questions we've already seen. Also skip any such that x+Y == Y+x (hence the sorting).
            var key = a < b ? (a, b) : (b, a);
            if (!seen.Add(key))
            {
                continue;
            }
            // Pad the data with spaces such that it is always MAXLEN.
            string q = $"{a}+{b}";
            string query = q.PadRight(MaxLen);
            // Answers can be of maximum size DIGITS + 1.
            string ans = (a + b).ToString(CultureInfo.InvariantCulture).PadRight(Digits + 1);
            if (Reverse)
            {
                // Reverse the query, e.g., '12+345  ' becomes '  543+21'.
                query = new string(query.Reverse().ToArray());
            }
            questions.Add(query);
            expected.Add(ans);
        }
        Console.WriteLine($"Total questions: {questions.Count}");

        // Vectorize the data; shuffle (x, y) in unison as the later parts of x will almost all be larger digits.
        int n = questions.Count;
        var indices = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(indices);
        var xData = new float[n * MaxLen * ctable.Count];
        var yData = new float[n * (Digits + 1) * ctable.Count];
        for (int i = 0; i < n; i++)
        {
            ctable.Encode(questions[indices[i]], MaxLen, xData, i * MaxLen * ctable.Count);
            ctable.Encode(expected[indices[i]], Digits + 1, yData, i * (Digits + 1) * ctable.Count);
        }
        var x = Tensor.FromArray(xData, n, MaxLen, ctable.Count);
        var y = Tensor.FromArray(yData, n, Digits + 1, ctable.Count);

        // Explicitly set apart 10% for validation data that we never train over.
        int splitAt = n - n / 10;
        var (xTrain, xVal) = (x.Slice(0, splitAt), x.Slice(splitAt, n - splitAt));
        var (yTrain, yVal) = (y.Slice(0, splitAt), y.Slice(splitAt, n - splitAt));
        Console.WriteLine($"Training Data: ({xTrain.Shape[0]}, {MaxLen}, {ctable.Count}) ({yTrain.Shape[0]}, {Digits + 1}, {ctable.Count})");
        Console.WriteLine($"Validation Data: ({xVal.Shape[0]}, {MaxLen}, {ctable.Count}) ({yVal.Shape[0]}, {Digits + 1}, {ctable.Count})");

        Console.WriteLine("Build model...");
        const int NumLayers = 1;  // Try to add more LSTM layers!
        var model = new Sequential();
        // "Encode" the input sequence using a LSTM, producing an output of size 128.
        // Note: In a situation where your input sequences have a variable length,
        // use input_shape=(None, num_feature).
        model.Add(Keras.Input([MaxLen, ctable.Count]));
        model.Add(new LSTM(128));
        // As the decoder RNN's input, repeatedly provide with the last output of RNN for each time step. Repeat
        // 'DIGITS + 1' times as that's the maximum length of output, e.g., when DIGITS=3, max output is 999+999=1998.
        model.Add(new RepeatVector(Digits + 1));
        // The decoder RNN could be multiple layers stacked or a single layer.
        for (int i = 0; i < NumLayers; i++)
        {
            // By setting return_sequences to True, return not only the last output but all the outputs so far
            // in the form of (num_samples, timesteps, output_dim). This is necessary as TimeDistributed in the
            // below expects the first dimension to be the timesteps.
            model.Add(new LSTM(128, returnSequences: true));
        }
        // Apply a dense layer to every temporal slice of an input. For each step of the output sequence,
        // decide which character should be chosen. (keras-io's Keras 3 text applies Dense straight to the 3-D
        // output, which acts on the last axis; TimeDistributed(Dense), as the original example had it, is the
        // same computation.)
        model.Add(new TimeDistributed(new Dense(ctable.Count, activation: "softmax")));
        model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        model.Summary();

        // Train the model each generation and show predictions against the validation dataset.
        var losses = new List<double>();
        double valAccuracy = 0;
        int correctCount = 0, shown = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            Console.WriteLine();
            Console.WriteLine($"Iteration {epoch}");
            var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: 1, verbose: verbose, validationData: (xVal, yVal));
            losses.Add(history["loss"][0]);
            valAccuracy = history["val_accuracy"][0];
            // Select 10 samples from the validation set at random so we can visualize errors.
            for (int i = 0; i < 10; i++)
            {
                int ind = rng.Next(xVal.Shape[0]);
                var (rowx, rowy) = (xVal.Slice(ind, 1), yVal.Slice(ind, 1));
                var preds = model.Predict(rowx, verbose: 0).ToArray();
                string q = ctable.Decode(rowx.ToArray(), MaxLen);
                string correct = ctable.Decode(rowy.ToArray(), Digits + 1);
                string guess = ctable.Decode(preds, Digits + 1);
                Console.Write($"Q {(Reverse ? new string(q.Reverse().ToArray()) : q)} ");
                Console.Write($"T {correct} ");
                Console.WriteLine(correct == guess ? $"☑ {guess}" : $"☒ {guess}");
                correctCount += correct == guess ? 1 : 0;
                shown++;
            }
        }
        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT val_accuracy={valAccuracy:F4} loss={losses[^1]:F4} first_loss={losses[0]:F4} shown_correct={correctCount}/{shown} training_size={trainingSize} epochs={epochs} batch_size={batchSize}");
        return (losses, result);
    }
}
