using SharpKeras;
using SharpKeras.Examples;

// keras-io trains on 25,000 reviews, batch 32, for 2 epochs; the default here takes 2,000 of them (--samples 25000 for all).
var options = ExampleOptions.Parse(args, runs: 1, epochs: 2, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = TextTransformerExample.Run(options.Samples ?? 2000, options.Epochs, options.BatchSize, options.Verbose, options.DataPath);
Console.WriteLine(result);
