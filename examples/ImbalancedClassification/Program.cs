using SharpKeras;
using SharpKeras.Examples;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 5, batchSize: 2048);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = ImbalancedClassificationExample.Run(options.Samples ?? 20_000, options.Epochs, options.BatchSize,
    options.Verbose, options.DataPath);
Console.WriteLine(result);
