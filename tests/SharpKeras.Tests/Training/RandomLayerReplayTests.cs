using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Models;
using static SharpKeras.Tests.Training.CustomStepModels;

namespace SharpKeras.Tests.Training;

/// <summary>
/// Every random layer draws afresh on each replayed training step, in the built-in step and in a recorded custom TrainStep:
/// with a zero learning rate the weights never move, so the loss of the same batch changes from epoch to epoch only through
/// the layer's draws, and a replayed Fit must give the eager Fit's losses (both draw the layer's seeded stream in the same order).
/// </summary>
public class RandomLayerReplayTests
{
    private const int Epochs = 4;

    public static TheoryData<string> Kinds() =>
    [
        "random_flip", "random_brightness", "random_contrast",
        "gaussian_noise", "gaussian_dropout", "alpha_dropout", "dropout",
        "spatial_dropout1d", "spatial_dropout2d", "spatial_dropout3d",
        "conv_lstm2d_dropout",
    ];

    // The layer and the shape of one sample it takes.
    private static (Layer Layer, int[] Shape) Make(string kind) => kind switch
    {
        "random_flip" => (new RandomFlip("horizontal_and_vertical", seed: 3), [3, 4, 2]),
        "random_brightness" => (new RandomBrightness(0.3, [0, 1], seed: 3), [3, 4, 2]),
        "random_contrast" => (new RandomContrast(0.6, [0, 1], seed: 3), [3, 4, 2]),
        "gaussian_noise" => (new GaussianNoise(0.5, seed: 3), [6]),
        "gaussian_dropout" => (new GaussianDropout(0.4, seed: 3), [6]),
        "alpha_dropout" => (new AlphaDropout(0.4, seed: 3), [6]),
        "dropout" => (new Dropout(0.4, seed: 3), [6]),
        "spatial_dropout1d" => (new SpatialDropout1D(0.4, seed: 3), [3, 4]),
        "spatial_dropout2d" => (new SpatialDropout2D(0.4, seed: 3), [2, 3, 4]),
        "spatial_dropout3d" => (new SpatialDropout3D(0.4, seed: 3), [2, 2, 2, 3]),
        "conv_lstm2d_dropout" => (new ConvLSTM2D(2, 3, padding: "same", dropout: 0.4, recurrentDropout: 0.4, seed: 3), [3, 4, 4, 2]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown layer kind"),
    };

    // The random layer first, then Flatten and Dense(1); the same initial weights for the same kind.
    private static (Model Model, int[] Shape) Build(string kind, bool customStep, bool runEagerly)
    {
        Config.SetRandomSeed(5);
        var (layer, shape) = Make(kind);
        var inputs = Keras.Input(shape);
        var outputs = new Dense(1).Apply(new Flatten().Apply(layer.Apply(inputs)));
        var model = customStep ? new SlicingModel(inputs, outputs) : new Model(inputs, outputs);
        if (customStep)
        {
            model.Compile(new SharpKeras.Optimizers.SGD(0.0), runEagerly: runEagerly);
        }
        else
        {
            model.Compile(new SharpKeras.Optimizers.SGD(0.0), "mse", runEagerly: runEagerly);
        }
        return (model, shape);
    }

    // One batch of 8 samples per epoch, so each epoch's loss is one step's.
    private static double[] FitLosses(Model model, int[] shape)
    {
        var x = GradCheck.Random(17, 0.1f, 0.9f, [8, .. shape]);
        var y = GradCheck.Random(18, -1f, 1f, 8, 1);
        var history = model.Fit(x, y, batchSize: 8, epochs: Epochs, verbose: 0, shuffle: false);
        return [.. history["loss"]];
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BuiltInStepReplayedDrawsAfreshAsTheEagerStep(string kind)
    {
        var (eager, shape) = Build(kind, customStep: false, runEagerly: true);
        var (replayed, _) = Build(kind, customStep: false, runEagerly: false);
        var eagerLosses = FitLosses(eager, shape);
        var replayedLosses = FitLosses(replayed, shape);
        // One plan, recorded at the first step and replayed for the other three.
        Assert.Single(replayed.TrainPlans);
        AssertFreshDrawsAsEager(kind, eagerLosses, replayedLosses);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void CustomStepReplayedDrawsAfreshAsTheEagerStep(string kind)
    {
        var (eager, shape) = Build(kind, customStep: true, runEagerly: true);
        var (replayed, _) = Build(kind, customStep: true, runEagerly: false);
        var eagerLosses = FitLosses(eager, shape);
        var replayedLosses = FitLosses(replayed, shape);
        Assert.True(replayed.EagerTrainStepReason is null, replayed.EagerTrainStepReason);
        Assert.Single(replayed.CustomPlans);
        AssertFreshDrawsAsEager(kind, eagerLosses, replayedLosses);
    }

    private static void AssertFreshDrawsAsEager(string kind, double[] eager, double[] replayed)
    {
        Assert.Equal(Epochs, eager.Length);
        Assert.Equal(Epochs, replayed.Length);
        // The weights stay put (learning rate 0): only new draws can change the loss of the same batch.
        Assert.True(eager.Distinct().Count() > 1, $"{kind}: eager losses [{string.Join(", ", eager)}] should not all be equal");
        for (int e = 0; e < Epochs; e++)
        {
            Assert.True(Math.Abs(eager[e] - replayed[e]) <= 1e-6 * Math.Max(1, Math.Abs(eager[e])),
                $"{kind} epoch {e}: eager loss {eager[e]}, replayed {replayed[e]} (eager [{string.Join(", ", eager)}], replayed [{string.Join(", ", replayed)}])");
        }
    }
}
