// The seed experiment: train the Fashion-MNIST MLP (Flatten -> Dense(128, relu) -> Dense(10, softmax),
// Adam, batch 10000, 5 epochs) several times from fresh weights, timing only Fit, and print the
// minimum / maximum / average / total seconds as the published Keras comparison did.
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Callbacks;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;

var options = ExampleOptions.Parse(args, runs: 20, epochs: 5, batchSize: 10000);
// The seed paper's own output is Keras 2's [====] bar; the library's default is Keras 3's.
Progbar.DefaultStyle = ProgbarStyle.Keras2;
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
xTrain = xTrain / 255.0;
xTest = xTest / 255.0;
Console.WriteLine($"Fashion-MNIST: {xTrain.Shape[0]} training and {xTest.Shape[0]} test images; " +
                  $"{options.Runs} runs of {options.Epochs} epochs at batch {options.BatchSize}, {Config.Threads} thread(s)" +
                  (options.Distributed ? $", data-parallel over {SharpKeras.Distribution.Distribution.JobCommunicator.Size} process(es)." : "."));

var seconds = new List<double>();
Sequential? model = null;
for (int run = 1; run <= options.Runs; run++)
{
    model = new Sequential();
    model.Add(new Flatten());
    model.Add(new Dense(128, null, "relu"));
    model.Add(new Dense(10, null, "softmax"));
    model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: new string[] { "accuracy" });
    var clock = Stopwatch.StartNew();
    model.Fit(xTrain, yTrain, options.BatchSize, options.Epochs, verbose: options.Verbose);
    clock.Stop();
    seconds.Add(clock.Elapsed.TotalSeconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Run {run}/{options.Runs}: Fit took {clock.Elapsed.TotalSeconds:F3} s"));
}

model!.Summary();
var (testLoss, testAccuracy) = model.Evaluate(xTest, yTest, batchSize: options.BatchSize, verbose: options.Verbose);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test loss: {testLoss:F4}, test accuracy: {testAccuracy:F4}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Fit seconds over {seconds.Count} runs: minimum {seconds.Min():F3}, maximum {seconds.Max():F3}, average {seconds.Average():F3}, total {seconds.Sum():F3}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT runs={seconds.Count} min_s={seconds.Min():F4} max_s={seconds.Max():F4} avg_s={seconds.Average():F4} total_s={seconds.Sum():F4} test_accuracy={testAccuracy:F4} test_loss={testLoss:F4} epochs={options.Epochs} batch_size={options.BatchSize} threads={Config.Threads} processes={SharpKeras.Distribution.Distribution.JobCommunicator.Size}"));
