using SharpKeras;
using SharpKeras.Examples;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 2, batchSize: 64);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = TrainingWithBuiltInMethodsExample.Run(options.Samples ?? 14_000, options.Epochs, options.BatchSize,
    options.Verbose, options.DataPath);
Console.WriteLine(result);
