using SharpKeras.Examples;

namespace SharpKeras.Tests.Examples;

/// <summary>Runs each keras-io port's main code (the same files the example programs compile) on a tiny configuration.</summary>
[Collection("Examples")]
public class KerasIoExamplesTests
{
    private static void AssertLossFalls(IReadOnlyList<double> losses, string result, int epochs)
    {
        Assert.Equal(epochs, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l), $"non-finite loss in [{string.Join(", ", losses)}]"));
        Assert.True(losses[^1] < losses[0], $"loss did not fall: [{string.Join(", ", losses)}]");
        Assert.StartsWith("RESULT ", result);
    }

    [Fact]
    public void ImbalancedClassificationLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = ImbalancedClassificationExample.Run(samples: 3000, epochs: 4, batchSize: 512, verbose: 0, dataPath: null);
        AssertLossFalls(losses, result, 4);
        Assert.Contains("checkpoints=4", result);
    }

    [Fact]
    public void CustomTrainStepLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = CustomTrainStepExample.Run(samples: 256, epochs: 3, batchSize: 32, verbose: 0);
        AssertLossFalls(losses, result, 3);
    }

    [Fact]
    public void TrainingLoopFromScratchLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = TrainingLoopFromScratchExample.Run(samples: 1200, epochs: 3, batchSize: 32, verbose: 0, dataPath: null);
        AssertLossFalls(losses, result, 3);
    }

    [Fact]
    public void AdditionRnnLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = AdditionRnnExample.Run(trainingSize: 400, epochs: 3, batchSize: 32, verbose: 0);
        AssertLossFalls(losses, result, 3);
    }

    [Fact]
    public void WeatherForecastingLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = WeatherForecastingExample.Run(rows: 1500, epochs: 3, batchSize: 64, verbose: 0, dataPath: null,
            past: 120, future: 12);
        AssertLossFalls(losses, result, 3);
        Assert.Contains("checkpoint=True", result);
    }

    [Fact]
    public void TrainingWithBuiltInMethodsLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = TrainingWithBuiltInMethodsExample.Run(samples: 1400, epochs: 2, batchSize: 64, verbose: 0, dataPath: null);
        AssertLossFalls(losses, result, 2);
        Assert.Contains("checkpoints=", result);
    }

    [Fact]
    public void MnistConvnetLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = MnistConvnetExample.Run(samples: 400, epochs: 3, batchSize: 64, verbose: 0, dataPath: null);
        AssertLossFalls(losses, result, 3);
        Assert.Contains("test_accuracy=", result);
    }

    [Fact]
    public void BidirectionalLstmImdbLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = BidirectionalLstmImdbExample.Run(samples: 160, epochs: 3, batchSize: 32, verbose: 0, dataPath: null, maxlen: 24);
        AssertLossFalls(losses, result, 3);
    }

    [Fact]
    public void VaeLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = VaeExample.Run(samples: 256, epochs: 3, batchSize: 32, verbose: 0, dataPath: null);
        AssertLossFalls(losses, result, 3);
        Assert.Contains("latent_shape=(8, 2)", result);
    }

    [Fact]
    public void TimeseriesClassificationLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = TimeseriesClassificationExample.Run(samples: 160, epochs: 3, batchSize: 32, verbose: 0, dataPath: null, length: 64);
        AssertLossFalls(losses, result, 3);
        Assert.Contains("test_accuracy=", result);
    }

    [Fact]
    public void MnistIrnnLossFalls()
    {
        Config.SetRandomSeed(1);
        // The script's learning rate (1e-6) moves the loss by less than float rounding in three tiny epochs; 1e-4 can already blow up 784 ReLU steps on some SIMD widths.
        var (losses, result) = MnistIrnnExample.Run(samples: 96, epochs: 3, batchSize: 32, verbose: 0, dataPath: null, learningRate: 1e-5);
        AssertLossFalls(losses, result, 3);
    }

    [Fact]
    public void TextTransformerLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = TextTransformerExample.Run(samples: 192, epochs: 3, batchSize: 32, verbose: 0, dataPath: null,
            maxlen: 24, vocabSize: 2000);
        AssertLossFalls(losses, result, 3);
        Assert.Contains("seconds_per_epoch=", result);
        Assert.Contains("val_accuracy=", result);
    }

    [Fact]
    public void VisionTransformerLossFalls()
    {
        Config.SetRandomSeed(1);
        var (losses, result) = VisionTransformerExample.Run(samples: 160, epochs: 3, batchSize: 32, verbose: 0, dataPath: null, searchCache: false,
            imageSize: 16, patchSize: 4, projectionDim: 16, numHeads: 2, transformerLayers: 1, mlpHeadUnits: [32, 16]);
        AssertLossFalls(losses, result, 3);
        Assert.Contains("seconds_per_epoch=", result);
        Assert.Contains("test_top5_accuracy=", result);
    }
}
