using SharpKeras;
using SharpKeras.Examples;

// keras-io trains on 60,000 images, batch 128, for 15 epochs; the defaults here run in well under a minute.
var options = ExampleOptions.Parse(args, runs: 1, epochs: 2, batchSize: 128);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = MnistConvnetExample.Run(options.Samples ?? 3000, options.Epochs, options.BatchSize, options.Verbose, options.DataPath);
Console.WriteLine(result);
