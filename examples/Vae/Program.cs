using SharpKeras;
using SharpKeras.Examples;

// keras-io trains on all 70,000 digits, batch 128, for 30 epochs; the defaults here run in under a minute.
var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 128);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = VaeExample.Run(options.Samples ?? 2000, options.Epochs, options.BatchSize, options.Verbose, options.DataPath);
Console.WriteLine(result);
