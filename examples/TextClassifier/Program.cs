// A masked text classifier: Embedding(maskZero) -> Bidirectional(LSTM(64)) -> Dense(1, sigmoid) on
// generated "reviews" of varying length, padded with id 0 at the end. A review is positive when it
// holds more "good" tokens (id 1) than "bad" tokens (id 2); every other token is neutral. Without the
// mask the backward LSTM would first read up to 35 padding steps, so the accuracy shows masking works.
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Layers;
using SharpKeras.Models;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 5, batchSize: 64);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
const int Vocabulary = 200, MaxLength = 40, Good = 1, Bad = 2;
int samples = options.Samples ?? 10_000;

static (Tensor X, Tensor Y) Generate(int n, int seed)
{
    var rng = new SeedGenerator(seed);
    var x = new int[n * MaxLength];
    var y = new float[n];
    for (int i = 0; i < n; i++)
    {
        int length = 5 + rng.NextInt(MaxLength - 4);
        int good = 0, bad = 0;
        for (int t = 0; t < length; t++)
        {
            int draw = rng.NextInt(10);
            int token = draw == 0 ? Good : draw == 1 ? Bad : 3 + rng.NextInt(Vocabulary - 3);
            good += token == Good ? 1 : 0;
            bad += token == Bad ? 1 : 0;
            x[i * MaxLength + t] = token;
        }
        if (good == bad)
        {
            // Break the tie with one more sentiment token in place of the last word.
            int token = rng.NextInt(2) == 0 ? Good : Bad;
            int last = x[i * MaxLength + length - 1];
            good += (token == Good ? 1 : 0) - (last == Good ? 1 : 0);
            bad += (token == Bad ? 1 : 0) - (last == Bad ? 1 : 0);
            x[i * MaxLength + length - 1] = token;
        }
        y[i] = good > bad ? 1f : 0f;
    }
    return (Tensor.FromArray(x, n, MaxLength), Tensor.FromArray(y, n, 1));
}

var (xTrain, yTrain) = Generate(samples, 21);
var (xTest, yTest) = Generate(2000, 22);
Console.WriteLine($"Generated reviews: {samples} training, {xTest.Shape[0]} test, up to {MaxLength} tokens; " +
                  $"{options.Epochs} epoch(s) at batch {options.BatchSize}, {Config.Threads} thread(s).");

var model = new Sequential([
    new Embedding(Vocabulary, 32, maskZero: true),
    new Bidirectional(new LSTM(64)),
    new Dense(1, activation: "sigmoid"),
]);
model.Compile("adam", "binary_crossentropy", ["accuracy"]);
var epochSeconds = new List<double>();
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    model.Fit(xTrain, yTrain, options.BatchSize, epochs: 1, verbose: options.Verbose);
    epochSeconds.Add(clock.Elapsed.TotalSeconds);
}
model.Summary();
var (testLoss, testAccuracy) = model.Evaluate(xTest, yTest, batchSize: 256, verbose: 0);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT test_accuracy={testAccuracy:F4} test_loss={testLoss:F4} epoch_s={epochSeconds.Average():F3} samples={samples} epochs={options.Epochs} batch_size={options.BatchSize} threads={Config.Threads}"));
