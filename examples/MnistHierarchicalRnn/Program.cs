// Hierarchical RNN (the Keras mnist_hierarchical_rnn example) on Fashion-MNIST: a TimeDistributed
// LSTM(128) encodes each row of pixels, an LSTM(128) encodes the sequence of row encodings, and
// Dense(10, softmax) classifies; rmsprop, batch 32.
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);

var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData(options.DataPath);
if (options.Samples is { } n && n < xTrain.Shape[0])
{
    xTrain = xTrain.Slice(0, n);
    yTrain = yTrain.Slice(0, n);
}
xTrain = (xTrain / 255.0).Reshape(-1, 28, 28, 1);
xTest = (xTest / 255.0).Reshape(-1, 28, 28, 1);
Console.WriteLine($"Fashion-MNIST: {xTrain.Shape[0]} training and {xTest.Shape[0]} test images; " +
                  $"{options.Epochs} epoch(s) at batch {options.BatchSize}, {Config.Threads} thread(s).");

var model = new Sequential();
model.Add(Keras.Input([28, 28, 1]));
model.Add(new TimeDistributed(new LSTM(128)));
model.Add(new LSTM(128));
model.Add(new Dense(10, activation: "softmax"));
model.Compile("rmsprop", "sparse_categorical_crossentropy", ["accuracy"]);
model.Summary();
var epochSeconds = new List<double>();
double testAccuracy = 0, testLoss = 0;
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    model.Fit(xTrain, yTrain, options.BatchSize, epochs: 1, verbose: options.Verbose);
    epochSeconds.Add(clock.Elapsed.TotalSeconds);
    (testLoss, testAccuracy) = model.Evaluate(xTest, yTest, batchSize: 256, verbose: 0);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Epoch {epoch + 1}/{options.Epochs}: {clock.Elapsed.TotalSeconds:F1} s, test accuracy {testAccuracy:F4}"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT test_accuracy={testAccuracy:F4} test_loss={testLoss:F4} epoch_s={epochSeconds.Average():F3} samples={xTrain.Shape[0]} epochs={options.Epochs} batch_size={options.BatchSize} threads={Config.Threads}"));
