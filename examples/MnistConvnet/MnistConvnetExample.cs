// keras-io "Simple MNIST convnet" (examples/vision/mnist_convnet.py), line for line: Sequential starting with
// keras.Input, two Conv2D + MaxPooling2D blocks, Flatten, Dropout(0.5), Dense softmax; to_categorical labels,
// validation_split=0.1, evaluate read by position. MNIST from the Keras cache or --data when present (never
// downloaded here), else generated digits of MNIST's shape, said so.
using System.Diagnostics;
using System.Globalization;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>mnist_convnet as a function the example program and the smoke test both run.</summary>
internal static class MnistConvnetExample
{
    /// <summary>Trains the convnet on <paramref name="samples"/> training images; returns the per-epoch losses and the RESULT line.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath)
    {
        // Model / data parameters
        int numClasses = 10;
        int[] inputShape = [28, 28, 1];

        // Load the data and split it between train and test sets
        var ((xTrain, yTrain), (xTest, yTest), source) = LoadMnist(samples, dataPath);

        // Scale images to the [0, 1] range
        xTrain = xTrain.Cast(DType.Float32) / 255;
        xTest = xTest.Cast(DType.Float32) / 255;
        // Make sure images have shape (28, 28, 1)
        xTrain = Ops.ExpandDims(xTrain, -1);
        xTest = Ops.ExpandDims(xTest, -1);
        if (verbose > 0)
        {
            Console.WriteLine($"x_train shape: {xTrain.Shape} ({source})");
            Console.WriteLine($"{xTrain.Shape[0]} train samples");
            Console.WriteLine($"{xTest.Shape[0]} test samples");
        }

        // convert class vectors to binary class matrices
        yTrain = Keras.Utils.ToCategorical(yTrain, numClasses);
        yTest = Keras.Utils.ToCategorical(yTest, numClasses);

        var model = new Sequential([
            Keras.Input(inputShape),
            new Conv2D(32, kernelSize: (3, 3), activation: "relu"),
            new MaxPooling2D(poolSize: (2, 2)),
            new Conv2D(64, kernelSize: (3, 3), activation: "relu"),
            new MaxPooling2D(poolSize: (2, 2)),
            new Flatten(),
            new Dropout(0.5),
            new Dense(numClasses, activation: "softmax"),
        ]);
        if (verbose > 0)
        {
            model.Summary();
        }

        model.Compile(loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"]);
        var watch = Stopwatch.StartNew();
        var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, validationSplit: 0.1, verbose: verbose);
        double seconds = watch.Elapsed.TotalSeconds;

        var score = model.Evaluate(xTest, yTest, verbose: 0);
        if (verbose > 0)
        {
            Console.WriteLine($"Test loss: {score[0]}");
            Console.WriteLine($"Test accuracy: {score[1]}");
        }
        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT test_loss={score[0]:F4} test_accuracy={score[1]:F4} loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} seconds_per_epoch={seconds / epochs:F2} samples={xTrain.Shape[0]} data={(source.StartsWith("real", StringComparison.Ordinal) ? "mnist" : "generated")}");
        return (history["loss"], result);
    }

    /// <summary>keras.datasets.mnist.load_data() cut to <paramref name="samples"/> training images (test: a sixth of that), or generated digits.</summary>
    private static ((Tensor, Tensor), (Tensor, Tensor), string) LoadMnist(int samples, string? dataPath)
    {
        int testSamples = Math.Max(1, samples / 6);
        try
        {
            var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData(dataPath, download: false);
            int n = Math.Min(samples, xTrain.Shape[0]), m = Math.Min(testSamples, xTest.Shape[0]);
            return ((xTrain.Slice(0, n), yTrain.Slice(0, n)), (xTest.Slice(0, m), yTest.Slice(0, m)), "real MNIST");
        }
        catch (FileNotFoundException)
        {
            return (Generated(samples, 1), Generated(testSamples, 2), "generated digits (MNIST not found)");
        }
    }

    /// <summary>Ten fixed random 28x28 templates in [0, 255] plus noise: uint8-valued images and int labels, as load_data gives.</summary>
    private static (Tensor X, Tensor Y) Generated(int n, int seed)
    {
        var templates = new Random(7);
        var t = new float[10 * 784];
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = templates.NextDouble() < 0.2 ? 255f : 0f;
        }
        var rng = new Random(seed);
        var x = new float[n * 784];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.Next(10);
            for (int j = 0; j < 784; j++)
            {
                x[i * 784 + j] = MathF.Round(Math.Clamp(t[y[i] * 784 + j] + (float)(rng.NextDouble() - 0.5) * 200f, 0f, 255f));
            }
        }
        return (Tensor.FromArray(x, n, 28, 28), Tensor.FromArray(y));
    }
}
