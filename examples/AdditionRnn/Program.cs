using SharpKeras;
using SharpKeras.Examples;

// keras-io's defaults are TRAINING_SIZE = 50000 and 30 iterations; these run in seconds.
var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = AdditionRnnExample.Run(options.Samples ?? 5000, options.Epochs, options.BatchSize, options.Verbose);
Console.WriteLine(result);
