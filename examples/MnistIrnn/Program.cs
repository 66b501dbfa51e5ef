using SharpKeras;
using SharpKeras.Examples;

// Keras 2's script trains on 60,000 digits, batch 32, for 200 epochs at learning rate 1e-6; the defaults here take a slice.
var options = ExampleOptions.Parse(args, runs: 1, epochs: 2, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = MnistIrnnExample.Run(options.Samples ?? 600, options.Epochs, options.BatchSize, options.Verbose, options.DataPath);
Console.WriteLine(result);
