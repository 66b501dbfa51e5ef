// Keras 2's examples/mnist_irnn.py (Le, Jaitly and Hinton's IRNN): MNIST read pixel by pixel as a 784-step sequence
// by a SimpleRNN with ReLU, an identity recurrent initializer and small random input weights, then Dense + softmax,
// RMSprop(1e-6), written as the Keras 2 program reads (Sequential().add with input_shape on the first layer).
// MNIST from the Keras cache or --data when present (never downloaded here), else generated digits.
using System.Globalization;
using SharpKeras.Datasets;
using SharpKeras.Initializers;
using Identity = SharpKeras.Initializers.Identity;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Examples;

/// <summary>mnist_irnn as a function the example program and the smoke test both run.</summary>
internal static class MnistIrnnExample
{
    /// <summary>Trains on <paramref name="samples"/> digits; returns the per-epoch losses and the RESULT line.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath,
        double learningRate = 1e-6)
    {
        int numClasses = 10;
        int hiddenUnits = 100;

        // the data, split between train and test sets
        var ((xTrain, yTrain), (xTest, yTest), source) = LoadMnist(samples, dataPath);

        xTrain = xTrain.Reshape(xTrain.Shape[0], -1, 1);
        xTest = xTest.Reshape(xTest.Shape[0], -1, 1);
        xTrain = xTrain.Cast(DType.Float32);
        xTest = xTest.Cast(DType.Float32);
        xTrain /= 255;
        xTest /= 255;
        if (verbose > 0)
        {
            Console.WriteLine($"x_train shape: {xTrain.Shape} ({source})");
            Console.WriteLine($"{xTrain.Shape[0]} train samples");
            Console.WriteLine($"{xTest.Shape[0]} test samples");
        }

        // convert class vectors to binary class matrices
        yTrain = Keras.Utils.ToCategorical(yTrain, numClasses);
        yTest = Keras.Utils.ToCategorical(yTest, numClasses);

        if (verbose > 0)
        {
            Console.WriteLine("Evaluate IRNN...");
        }
        var model = new Sequential();
        model.Add(new SimpleRNN(hiddenUnits,
            kernelInitializer: new RandomNormal(stddev: 0.001),
            recurrentInitializer: new Identity(gain: 1.0),
            activation: "relu",
            inputShape: xTrain.Shape.ToArray()[1..]));
        model.Add(new Dense(numClasses));
        model.Add(new Activation("softmax"));
        var rmsprop = new RMSprop(learningRate: learningRate);
        model.Compile(loss: "categorical_crossentropy", optimizer: rmsprop, metrics: ["accuracy"]);

        var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, verbose: verbose, validationData: (xTest, yTest));

        var scores = model.Evaluate(xTest, yTest, verbose: 0);
        if (verbose > 0)
        {
            Console.WriteLine($"IRNN test score: {scores[0]}");
            Console.WriteLine($"IRNN test accuracy: {scores[1]}");
        }
        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT test_loss={scores[0]:F4} test_accuracy={scores[1]:F4} loss={history["loss"][^1]:F6} first_loss={history["loss"][0]:F6} learning_rate={learningRate} samples={xTrain.Shape[0]} data={(source.StartsWith("real", StringComparison.Ordinal) ? "mnist" : "generated")}");
        return (history["loss"], result);
    }

    /// <summary>mnist.load_data() cut to <paramref name="samples"/> training images (test: a sixth of that), or generated digits.</summary>
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

    /// <summary>Ten fixed random 28x28 templates in [0, 255] plus noise, as uint8-valued images and int labels.</summary>
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
