using SharpKeras;
using SharpKeras.Examples;

var options = ExampleOptions.Parse(args, runs: 1, epochs: 5, batchSize: 32);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = CustomTrainStepExample.Run(options.Samples ?? 1000, options.Epochs, options.BatchSize, options.Verbose);
Console.WriteLine(result);
