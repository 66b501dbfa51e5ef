// The Keras mnist_cnn example on Fashion-MNIST: Conv2D(32, 3x3, relu) -> Conv2D(64, 3x3, relu) ->
// MaxPooling2D(2) -> Dropout(0.25) -> Flatten -> Dense(128, relu) -> Dropout(0.5) -> Dense(10, softmax),
// batch 128, with Adam (default; reaches >= 0.90 test accuracy in 3 epochs) or, with --optimizer adadelta,
// Adadelta(learning rate 1.0, rho 0.95) as the original example used. Prints the summary, the progress
// bar, the test accuracy, seconds per epoch and inference images per second.
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

// --optimizer adam|adadelta is this example's own option; the rest are the common ones.
string optimizerName = "adam";
int at = Array.IndexOf(args, "--optimizer");
if (at >= 0)
{
    optimizerName = at + 1 < args.Length ? args[at + 1].ToLowerInvariant() : "";
    if (optimizerName is not ("adam" or "adadelta"))
    {
        Console.Error.WriteLine("--optimizer must be adam or adadelta.");
        return 2;
    }
    args = [.. args[..at], .. args[(at + 2)..]];
}
var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 128);
if (options.Distributed)
{
    // Data-parallel over the mpirun job: every rank trains on its shard of each global batch; only rank 0 prints.
    var communicator = SharpKeras.Distribution.Mpi.MpiCommunicator.Initialize();
    SharpKeras.Distribution.Distribution.SetDistribution(new SharpKeras.Distribution.DataParallel());
    if (communicator.Rank != 0)
    {
        Console.SetOut(TextWriter.Null);
    }
}
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
if (options.Seed is { } seed)
{
    Config.SetRandomSeed(seed);
}

var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData(options.DataPath);
if (options.Samples is { } n && n < xTrain.Shape[0])
{
    xTrain = xTrain.Slice(0, n);
    yTrain = yTrain.Slice(0, n);
}
// (N, 28, 28) uint8 -> (N, 28, 28, 1) in [0, 1], channels_last.
xTrain = (xTrain / 255.0).Reshape(-1, 28, 28, 1);
xTest = (xTest / 255.0).Reshape(-1, 28, 28, 1);
Console.WriteLine($"Fashion-MNIST: {xTrain.Shape[0]} training and {xTest.Shape[0]} test images; " +
                  $"{options.Epochs} epochs at batch {options.BatchSize}, {Config.Threads} thread(s).");

var model = new Sequential(
[
    new InputLayer([28, 28, 1]),
    new Conv2D(32, kernelSize: 3, activation: "relu"),
    new Conv2D(64, kernelSize: 3, activation: "relu"),
    new MaxPooling2D(poolSize: 2),
    new Dropout(0.25),
    new Flatten(),
    new Dense(128, activation: "relu"),
    new Dropout(0.5),
    new Dense(10, activation: "softmax"),
]);
Optimizer optimizer = optimizerName == "adadelta" ? new Adadelta(learningRate: 1.0, rho: 0.95) : new Adam();
model.Compile(optimizer: optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
model.Summary();

var clock = Stopwatch.StartNew();
model.Fit(xTrain, yTrain, options.BatchSize, options.Epochs, verbose: options.Verbose);
clock.Stop();
double epochSeconds = clock.Elapsed.TotalSeconds / Math.Max(1, options.Epochs);

var (testLoss, testAccuracy) = model.Evaluate(xTest, yTest, batchSize: options.BatchSize, verbose: options.Verbose);
// Inference throughput: Predict over the test set (once to warm up, then timed).
model.Predict(xTest.Slice(0, Math.Min(1000, xTest.Shape[0])), batchSize: options.BatchSize, verbose: 0);
var inference = Stopwatch.StartNew();
model.Predict(xTest, batchSize: options.BatchSize, verbose: 0);
inference.Stop();
double imagesPerSecond = xTest.Shape[0] / inference.Elapsed.TotalSeconds;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test loss: {testLoss:F4}, test accuracy: {testAccuracy:F4}; {epochSeconds:F2} s per epoch; inference {imagesPerSecond:F0} images/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT test_accuracy={testAccuracy:F4} test_loss={testLoss:F4} epoch_s={epochSeconds:F3} fit_s={clock.Elapsed.TotalSeconds:F3} inference_images_per_s={imagesPerSecond:F0} epochs={options.Epochs} batch_size={options.BatchSize} train_samples={xTrain.Shape[0]} threads={Config.Threads} processes={SharpKeras.Distribution.Distribution.JobCommunicator.Size} optimizer={optimizerName}"));
return 0;
