// The Keras cifar10_cnn example: Conv2D(32, same) -> Conv2D(32) -> MaxPooling2D -> Dropout(0.25) ->
// Conv2D(64, same) -> Conv2D(64) -> MaxPooling2D -> Dropout(0.25) -> Flatten -> Dense(512) -> Dropout(0.5)
// -> Dense(10, softmax), relu after every convolution and the hidden Dense, RMSprop(learning rate 1e-4),
// batch 32. Reads CIFAR-10 (cifar-10-batches-bin) from --data or the Keras cache; without it, trains on
// random data of the same shape and says so (then the accuracy means nothing, the timings do).
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
if (options.Seed is { } seed)
{
    Config.SetRandomSeed(seed);
}

Tensor xTrain, yTrain, xTest, yTest;
bool synthetic = false;
try
{
    ((xTrain, yTrain), (xTest, yTest)) = Cifar10.LoadData(options.DataPath);
    if (options.Samples is { } n && n < xTrain.Shape[0])
    {
        xTrain = xTrain.Slice(0, n);
        yTrain = yTrain.Slice(0, n);
    }
}
catch (FileNotFoundException e)
{
    synthetic = true;
    Console.WriteLine(e.Message);
    Console.WriteLine("Training on SYNTHETIC random images and labels of CIFAR-10's shape instead: the accuracy means nothing, the timings do.");
    (xTrain, yTrain) = Synthetic(options.Samples ?? 50_000, 1);
    (xTest, yTest) = Synthetic(10_000, 2);
}
xTrain = xTrain / 255.0;
xTest = xTest / 255.0;
Console.WriteLine($"CIFAR-10{(synthetic ? " (synthetic)" : "")}: {xTrain.Shape[0]} training and {xTest.Shape[0]} test images; " +
                  $"{options.Epochs} epochs at batch {options.BatchSize}, {Config.Threads} thread(s).");

var model = new Sequential(
[
    new InputLayer([32, 32, 3]),
    new Conv2D(32, 3, padding: "same", activation: "relu"),
    new Conv2D(32, 3, activation: "relu"),
    new MaxPooling2D(2),
    new Dropout(0.25),
    new Conv2D(64, 3, padding: "same", activation: "relu"),
    new Conv2D(64, 3, activation: "relu"),
    new MaxPooling2D(2),
    new Dropout(0.25),
    new Flatten(),
    new Dense(512, activation: "relu"),
    new Dropout(0.5),
    new Dense(10, activation: "softmax"),
]);
model.Compile(optimizer: new RMSprop(learningRate: 1e-4), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
model.Summary();

var clock = Stopwatch.StartNew();
model.Fit(xTrain, yTrain, options.BatchSize, options.Epochs, verbose: options.Verbose);
clock.Stop();
double epochSeconds = clock.Elapsed.TotalSeconds / Math.Max(1, options.Epochs);
var (testLoss, testAccuracy) = model.Evaluate(xTest, yTest, batchSize: options.BatchSize, verbose: options.Verbose);
var inference = Stopwatch.StartNew();
model.Predict(xTest, batchSize: 128, verbose: 0);
inference.Stop();
double imagesPerSecond = xTest.Shape[0] / inference.Elapsed.TotalSeconds;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test loss: {testLoss:F4}, test accuracy: {testAccuracy:F4}; {epochSeconds:F2} s per epoch; inference {imagesPerSecond:F0} images/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT test_accuracy={testAccuracy:F4} test_loss={testLoss:F4} epoch_s={epochSeconds:F3} fit_s={clock.Elapsed.TotalSeconds:F3} inference_images_per_s={imagesPerSecond:F0} epochs={options.Epochs} batch_size={options.BatchSize} train_samples={xTrain.Shape[0]} synthetic={(synthetic ? 1 : 0)} threads={Config.Threads}"));

// Random uint8 images (n, 32, 32, 3) and labels (n, 1) in 0..9, as CIFAR-10's loader gives them.
static (Tensor X, Tensor Y) Synthetic(int n, int seed)
{
    var rng = new Random(seed);
    var images = new byte[n * 32 * 32 * 3];
    rng.NextBytes(images);
    var labels = new byte[n];
    for (int i = 0; i < n; i++)
    {
        labels[i] = (byte)rng.Next(10);
    }
    return (Tensor.FromArray(images, n, 32, 32, 3), Tensor.FromArray(labels, n, 1));
}
