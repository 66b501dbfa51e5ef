// keras-io "Imbalanced classification: credit card fraud detection" (structured_data/imbalanced_classification.py):
// a Dense network on 30 numeric features, class_weight = 1 / count per class, FN/FP/TN/TP/precision/recall.
using System.Globalization;
using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>The credit card fraud example as a function the example program and the smoke test both run.</summary>
internal static class ImbalancedClassificationExample
{
    /// <summary>Trains on creditcard.csv from <paramref name="dataPath"/> when present, else on generated data of its shape.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath)
    {
        // Get the real data (Kaggle's creditcard.csv: Time, V1..V28, Amount, Class) or generate its shape.
        var (allFeatures, allTargets, source) = Load(samples, dataPath);
        int numFeatures = allFeatures.Length / allTargets.Length;
        Console.WriteLine($"{source}: features.shape ({allTargets.Length}, {numFeatures}), targets.shape ({allTargets.Length}, 1)");

        // Prepare a validation set
        int numValSamples = (int)(allTargets.Length * 0.2);
        int numTrain = allTargets.Length - numValSamples;
        Console.WriteLine($"Number of training samples: {numTrain}");
        Console.WriteLine($"Number of validation samples: {numValSamples}");

        // Analyze class imbalance in the targets
        int positives = 0;
        for (int i = 0; i < numTrain; i++)
        {
            positives += allTargets[i] == 1f ? 1 : 0;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Number of positive samples in training data: {positives} ({100.0 * positives / numTrain:F2}% of total)"));
        double weightFor0 = 1.0 / (numTrain - positives);
        double weightFor1 = 1.0 / Math.Max(positives, 1);

        // Normalize the data using training set statistics
        var mean = new double[numFeatures];
        var std = new double[numFeatures];
        for (int i = 0; i < numTrain; i++)
        {
            for (int j = 0; j < numFeatures; j++)
            {
                mean[j] += allFeatures[i * numFeatures + j] / (double)numTrain;
            }
        }
        for (int i = 0; i < numTrain; i++)
        {
            for (int j = 0; j < numFeatures; j++)
            {
                double d = allFeatures[i * numFeatures + j] - mean[j];
                std[j] += d * d / numTrain;
            }
        }
        for (int k = 0; k < allFeatures.Length; k++)
        {
            int j = k % numFeatures;
            allFeatures[k] = (float)((allFeatures[k] - mean[j]) / Math.Max(Math.Sqrt(std[j]), 1e-12));
        }
        var all = Tensor.FromArray(allFeatures, allTargets.Length, numFeatures);
        var targets = Tensor.FromArray(allTargets, allTargets.Length, 1);
        var (trainFeatures, trainTargets) = (all.Slice(0, numTrain), targets.Slice(0, numTrain));
        var (valFeatures, valTargets) = (all.Slice(numTrain, numValSamples), targets.Slice(numTrain, numValSamples));

        // Build a binary classification model
        var model = new Sequential([
            Keras.Input([numFeatures]),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dropout(0.3),
            new Dense(256, activation: "relu"),
            new Dropout(0.3),
            new Dense(1, activation: "sigmoid"),
        ]);
        model.Summary();

        // Train the model with class_weight argument
        Metric[] metrics = [
            new FalseNegatives(name: "fn"),
            new FalsePositives(name: "fp"),
            new TrueNegatives(name: "tn"),
            new TruePositives(name: "tp"),
            new Precision(name: "precision"),
            new Recall(name: "recall"),
        ];
        model.Compile(new SharpKeras.Optimizers.Adam(1e-2), "binary_crossentropy", metrics);
        // Python writes fraud_model_at_epoch_{epoch}.keras into the working folder; a temporary folder here.
        string folder = Directory.CreateTempSubdirectory("fraud_model").FullName;
        Callback[] callbacks = [new ModelCheckpoint(Path.Combine(folder, "fraud_model_at_epoch_{epoch}.keras"))];
        var classWeight = new Dictionary<int, double> { [0] = weightFor0, [1] = weightFor1 };
        var history = model.Fit(trainFeatures, trainTargets, batchSize: batchSize, epochs: epochs, verbose: verbose,
            callbacks: callbacks, validationData: (valFeatures, valTargets), classWeight: classWeight);
        int saved = Directory.GetFiles(folder, "*.keras").Length;
        Directory.Delete(folder, recursive: true);

        var last = history.HistoryData.ToDictionary(kv => kv.Key, kv => kv.Value[^1]);
        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT val_fn={last["val_fn"]:F0} val_fp={last["val_fp"]:F0} val_tp={last["val_tp"]:F0} val_recall={last["val_recall"]:F4} val_precision={last["val_precision"]:F4} checkpoints={saved} data={source.Split(' ')[0]} samples={allTargets.Length} epochs={epochs}");
        return (history["loss"], result);
    }

    private static (float[] Features, float[] Targets, string Source) Load(int samples, string? dataPath)
    {
        string? csv = dataPath is null ? null : Path.Combine(dataPath, "creditcard.csv");
        if (csv is not null && File.Exists(csv))
        {
            var features = new List<float>();
            var targets = new List<float>();
            foreach (string line in File.ReadLines(csv).Skip(1).Take(samples))
            {
                var values = line.Split(',').Select(s => float.Parse(s.Trim('"'), CultureInfo.InvariantCulture)).ToArray();
                features.AddRange(values[..^1]);
                targets.Add(values[^1]);
            }
            return (features.ToArray(), targets.ToArray(), $"real {csv}");
        }
        // Generated stand-in: 30 features, frauds (about 1 in 100 here, 1 in 578 in the real data, so that a
        // few thousand rows still hold some) shifted along a handful of the V columns.
        var rng = new Random(1337);
        var x = new float[samples * 30];
        var y = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            bool fraud = rng.NextDouble() < 0.01;
            y[i] = fraud ? 1f : 0f;
            x[i * 30] = (float)(rng.NextDouble() * 172_792);
            for (int j = 1; j < 29; j++)
            {
                double shift = fraud && j % 4 == 1 ? -1.2 : 0;
                x[i * 30 + j] = (float)(Gaussian(rng) + shift);
            }
            x[i * 30 + 29] = (float)Math.Exp(Gaussian(rng) + 3);
        }
        return (x, y, "generated data (creditcard.csv not found in --data)");
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
