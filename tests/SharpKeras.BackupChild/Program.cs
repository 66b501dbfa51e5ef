// Trains a small seeded regression with BackupAndRestore and prints "EPOCH <k> <loss>" after each epoch.
// Usage: SharpKeras.BackupChild <backupDir|-> <epochs> <hangAfterEpoch> [saveFreq]
// With hangAfterEpoch >= 0 the process stops making progress after that epoch's line (and its backup),
// so that the test can kill it at a known point; "-" trains without a backup.
using System.Globalization;
using SharpKeras;
using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

string dir = args[0];
int epochs = int.Parse(args[1], CultureInfo.InvariantCulture);
int hangAfter = int.Parse(args[2], CultureInfo.InvariantCulture);
string saveFreq = args.Length > 3 ? args[3] : "epoch";

Config.SetRandomSeed(42);
const int n = 96;
var rng = new SeedGenerator(11);
var x = new float[n * 4];
rng.NextFloats(x);
var y = new float[n];
for (int i = 0; i < n; i++)
{
    y[i] = 1.5f * x[4 * i] - 2f * x[4 * i + 1] + x[4 * i + 2] * x[4 * i + 3];
}
var model = new Sequential([Keras.Input([4]), new Dense(16, activation: "tanh"), new Dense(1)]);
model.Compile(new Adam(0.01), "mse");

var callbacks = new List<Callback>();
if (dir != "-")
{
    callbacks.Add(new BackupAndRestore(dir, saveFreq));
}
callbacks.Add(new LambdaCallback(onEpochEnd: (epoch, logs) =>
{
    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EPOCH {epoch} {logs["loss"]:R}"));
    Console.Out.Flush();
    if (epoch == hangAfter)
    {
        Thread.Sleep(Timeout.Infinite);
    }
}));
model.Fit(Tensor.FromArray(x, n, 4), Tensor.FromArray(y, n, 1), batchSize: 16, epochs: epochs, verbose: 0, seed: 5, callbacks: callbacks);
Console.Out.WriteLine("DONE");
