using SharpKeras;
using SharpKeras.Examples;

// keras-io trains on CIFAR-100's 50,000 images, batch 256, for 10 epochs at image size 72 with 8 transformer layers;
// the defaults here take 2,000 CIFAR-10 images at image size 36 with 2 layers so that an epoch takes seconds on two cores
// (--samples 50000 --epochs 10 --batch-size 256 for keras-io's schedule; the model sizes are Run's arguments).
var options = ExampleOptions.Parse(args, runs: 1, epochs: 3, batchSize: 64);
if (options.Threads is { } threads)
{
    Config.Threads = threads;
}
Config.SetRandomSeed(options.Seed ?? 1);
var (_, result) = VisionTransformerExample.Run(options.Samples ?? 2000, options.Epochs, options.BatchSize, options.Verbose, options.DataPath);
Console.WriteLine(result);
