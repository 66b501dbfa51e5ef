using SharpKeras;
using SharpKeras.Examples;

// keras-io uses all 420,551 rows, batch 256 and 10 epochs; 6,000 rows and 3 epochs run in seconds.
var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 256);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = WeatherForecastingExample.Run(options.Samples ?? 6000, options.Epochs, options.BatchSize,
    options.Verbose, options.DataPath);
Console.WriteLine(result);
