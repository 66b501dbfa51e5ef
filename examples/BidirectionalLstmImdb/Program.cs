using SharpKeras;
using SharpKeras.Examples;

// keras-io trains on 25,000 reviews, batch 32, for 2 epochs; the defaults here take a slice of them.
var options = ExampleOptions.Parse(args, runs: 1, epochs: 2, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = BidirectionalLstmImdbExample.Run(options.Samples ?? 1000, options.Epochs, options.BatchSize, options.Verbose, options.DataPath);
Console.WriteLine(result);
