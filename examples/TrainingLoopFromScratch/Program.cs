using SharpKeras;
using SharpKeras.Examples;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = TrainingLoopFromScratchExample.Run(options.Samples ?? 12_000, options.Epochs, options.BatchSize,
    options.Verbose, options.DataPath);
Console.WriteLine(result);
