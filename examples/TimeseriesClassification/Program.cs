using SharpKeras;
using SharpKeras.Examples;

// keras-io trains on FordA's 3,601 series, batch 32, for up to 500 epochs; the defaults here take a slice.
var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = TimeseriesClassificationExample.Run(options.Samples ?? 600, options.Epochs, options.BatchSize, options.Verbose, options.DataPath);
Console.WriteLine(result);
