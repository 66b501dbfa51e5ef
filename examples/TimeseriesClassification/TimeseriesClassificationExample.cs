// keras-io "Timeseries classification from scratch" (examples/timeseries/timeseries_classification_from_scratch.py):
// FordA read with readucr, reshaped to one channel, shuffled, labels -1 -> 0; a fully convolutional network
// (3 x Conv1D + BatchNormalization + ReLU, GlobalAveragePooling1D, Dense softmax) trained with ModelCheckpoint,
// ReduceLROnPlateau and EarlyStopping; the best model reloaded from "best_model.h5" for the test accuracy.
// FordA_TRAIN.tsv / FordA_TEST.tsv from --data when present (never downloaded here), else generated series of
// FordA's shape (z-normalised, 500 steps, labels -1 / 1).
using System.Globalization;
using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>timeseries_classification_from_scratch as a function the example program and the smoke test both run.</summary>
internal static class TimeseriesClassificationExample
{
    /// <summary>Trains on <paramref name="samples"/> series of <paramref name="length"/> steps; returns the per-epoch losses and the RESULT line.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath, int length = 500)
    {
        string source;
        float[,] xTrainRaw, xTestRaw;
        int[] yTrain, yTest;
        if (dataPath is not null && File.Exists(Path.Combine(dataPath, "FordA_TRAIN.tsv")))
        {
            (xTrainRaw, yTrain) = Readucr(Path.Combine(dataPath, "FordA_TRAIN.tsv"), samples);
            (xTestRaw, yTest) = Readucr(Path.Combine(dataPath, "FordA_TEST.tsv"), samples);
            source = "real FordA";
        }
        else
        {
            (xTrainRaw, yTrain) = Generate(samples, length, seed: 1);
            (xTestRaw, yTest) = Generate(Math.Max(2, samples * 1320 / 3601), length, seed: 2);
            source = "generated series (FordA_TRAIN.tsv not found)";
        }

        // Standardizing the data: one channel per timeseries.
        var xTrain = Tensor.FromArray(xTrainRaw).Reshape(xTrainRaw.GetLength(0), xTrainRaw.GetLength(1), 1);
        var xTest = Tensor.FromArray(xTestRaw).Reshape(xTestRaw.GetLength(0), xTestRaw.GetLength(1), 1);

        int numClasses = yTrain.Distinct().Count();

        // Shuffle the training set because validation_split takes the last 20% (np.random.permutation).
        var idx = Keras.Random.Shuffle(Tensor.FromArray(Enumerable.Range(0, xTrain.Shape[0]).ToArray())).ToInt32Array();
        xTrain = xTrain.Gather(idx);
        yTrain = idx.Select(i => yTrain[i]).ToArray();

        // Standardize the labels to positive integers: the expected labels are 0 and 1.
        yTrain = yTrain.Select(v => v == -1 ? 0 : v).ToArray();
        yTest = yTest.Select(v => v == -1 ? 0 : v).ToArray();

        Model MakeModel(int[] inputShape)
        {
            var inputLayer = Keras.Input(inputShape);

            var conv1 = new Conv1D(filters: 64, kernelSize: 3, padding: "same").Apply(inputLayer);
            conv1 = new BatchNormalization().Apply(conv1);
            conv1 = new ReLU().Apply(conv1);

            var conv2 = new Conv1D(filters: 64, kernelSize: 3, padding: "same").Apply(conv1);
            conv2 = new BatchNormalization().Apply(conv2);
            conv2 = new ReLU().Apply(conv2);

            var conv3 = new Conv1D(filters: 64, kernelSize: 3, padding: "same").Apply(conv2);
            conv3 = new BatchNormalization().Apply(conv3);
            conv3 = new ReLU().Apply(conv3);

            var gap = new GlobalAveragePooling1D().Apply(conv3);

            var outputLayer = new Dense(numClasses, activation: "softmax").Apply(gap);

            return new Model(inputs: inputLayer, outputs: outputLayer);
        }

        var model = MakeModel(inputShape: xTrain.Shape.ToArray()[1..]);
        if (verbose > 0)
        {
            model.Summary();
        }

        // Train the model
        string dir = Path.Combine(Path.GetTempPath(), "sharpkeras-fordA-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string bestModel = Path.Combine(dir, "best_model.h5");
            Callback[] callbacks =
            [
                new ModelCheckpoint(bestModel, saveBestOnly: true, monitor: "val_loss"),
                new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 20, minLr: 0.0001),
                new EarlyStopping(monitor: "val_loss", patience: 50, verbose: 1),
            ];
            model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
            var history = model.Fit(xTrain, Tensor.FromArray(yTrain), batchSize: batchSize, epochs: epochs, callbacks: callbacks,
                validationSplit: 0.2, verbose: verbose);

            // Evaluate model on test data
            model = Model.Load(bestModel);
            var yPred = Ops.Argmax(model.Predict(xTest, verbose: 0), axis: 1).ToInt32Array();
            double accuracy = yPred.Zip(yTest).Count(p => p.First == p.Second) / (double)yTest.Length;
            if (verbose > 0)
            {
                Console.WriteLine($"Test accuracy {accuracy}");
            }
            string result = string.Create(CultureInfo.InvariantCulture,
                $"RESULT test_accuracy={accuracy:F4} loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} val_accuracy={history["val_accuracy"][^1]:F4} epochs_run={history["loss"].Count} samples={xTrain.Shape[0]} data={(source.StartsWith("real", StringComparison.Ordinal) ? "forda" : "generated")}");
            return (history["loss"], result);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The UCR format: one series a line, tab-separated, the label first (np.loadtxt(filename, delimiter="\t")).</summary>
    private static (float[,] X, int[] Y) Readucr(string filename, int maxRows)
    {
        var rows = File.ReadLines(filename).Where(l => l.Length > 0).Take(maxRows)
            .Select(l => l.Split('\t').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        int width = rows[0].Length - 1;
        var x = new float[rows.Count, width];
        var y = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != width + 1)
            {
                throw new InvalidDataException($"{filename}: line {i + 1} has {rows[i].Length} columns, expected {width + 1} (label and {width} values).");
            }
            y[i] = (int)rows[i][0];
            for (int j = 0; j < width; j++)
            {
                x[i, j] = (float)rows[i][j + 1];
            }
        }
        return (x, y);
    }

    /// <summary>Engine-noise-like series: a noisy mixture of tones whose dominant one depends on the class (-1 or 1), z-normalised per series.</summary>
    private static (float[,] X, int[] Y) Generate(int n, int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n, length];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.Next(2) == 0 ? -1 : 1;
            double f = y[i] == 1 ? 0.09 : 0.21, phase = rng.NextDouble() * 6.28;
            var v = new double[length];
            for (int t = 0; t < length; t++)
            {
                v[t] = Math.Sin(f * t + phase) + 0.5 * Math.Sin(0.05 * t + phase * 2) + (rng.NextDouble() - 0.5) * 1.2;
            }
            double mean = v.Average(), sd = Math.Sqrt(v.Select(a => (a - mean) * (a - mean)).Average());
            for (int t = 0; t < length; t++)
            {
                x[i, t] = (float)((v[t] - mean) / sd);
            }
        }
        return (x, y);
    }
}
