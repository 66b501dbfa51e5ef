// The LSTM model of the public Keras benchmark scripts: LSTM(128) -> Dense(60, softmax) on synthetic
// one-hot sequences (40 steps x 60 features), RMSprop(learning rate 0.01), batch 128. The target of a
// sequence is the token of its first step, so the model has something to remember; the timing is
// what the benchmark is for: seconds per epoch of Fit.
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 2, batchSize: 128);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
const int Steps = 40, Features = 60;
int samples = options.Samples ?? 50_000;

static (Tensor X, Tensor Y) Generate(int n, int seed)
{
    var rng = new SeedGenerator(seed);
    var x = new float[n * Steps * Features];
    var y = new int[n];
    for (int i = 0; i < n; i++)
    {
        for (int t = 0; t < Steps; t++)
        {
            int token = rng.NextInt(Features);
            x[(i * Steps + t) * Features + token] = 1f;
            if (t == 0)
            {
                y[i] = token;
            }
        }
    }
    return (Tensor.FromArray(x, n, Steps, Features), Tensor.FromArray(y));
}

var (xTrain, yTrain) = Generate(samples, 11);
var (xTest, yTest) = Generate(Math.Max(1000, samples / 10), 12);
Console.WriteLine($"Synthetic one-hot sequences: {samples} training, {xTest.Shape[0]} test, {Steps} steps x {Features} features; " +
                  $"{options.Epochs} epoch(s) at batch {options.BatchSize}, {Config.Threads} thread(s).");

var model = new Sequential([new LSTM(128), new Dense(Features, activation: "softmax")]);
model.Compile(new RMSprop(learningRate: 0.01), "sparse_categorical_crossentropy", ["accuracy"]);
var epochSeconds = new List<double>();
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    model.Fit(xTrain, yTrain, options.BatchSize, epochs: 1, verbose: options.Verbose);
    epochSeconds.Add(clock.Elapsed.TotalSeconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{options.Epochs}: {clock.Elapsed.TotalSeconds:F2} s"));
}
model.Summary();
var (testLoss, testAccuracy) = model.Evaluate(xTest, yTest, batchSize: options.BatchSize, verbose: 0);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT test_accuracy={testAccuracy:F4} test_loss={testLoss:F4} epoch_s={epochSeconds.Average():F3} min_epoch_s={epochSeconds.Min():F3} first_epoch_s={epochSeconds[0]:F3} samples={samples} epochs={options.Epochs} batch_size={options.BatchSize} threads={Config.Threads}"));
