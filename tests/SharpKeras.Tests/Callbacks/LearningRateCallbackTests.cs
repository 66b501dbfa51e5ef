using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Callbacks;

public class LearningRateCallbackTests
{
    [Fact]
    public void SchedulerSetsTheRateAtEachEpochAndLogsIt()
    {
        var (x, y, _, _) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model(learningRate: 0.1);
        var seen = new List<double>();
        var history = model.Fit(x, y, batchSize: 32, epochs: 3, verbose: 0, callbacks:
        [
            new LearningRateScheduler((epoch, lr) => epoch == 0 ? lr : lr * 0.5),
            new LambdaCallback(onTrainBatchBegin: _ => seen.Add(model.Optimizer!.LearningRate)),
        ]);
        double[] expected = [0.1f, 0.05f, 0.025f];
        Assert.Equal(expected, history["learning_rate"]);
        Assert.Equal(new[] { expected[0], expected[0], expected[1], expected[1], expected[2], expected[2] }, seen);

        var oneArg = CallbackFixtures.Model();
        oneArg.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new LearningRateScheduler(epoch => 0.01 * (epoch + 1))]);
        Assert.Equal(0.02f, oneArg.Optimizer!.LearningRate);
        Assert.Throws<InvalidOperationException>(() => oneArg.Fit(x, y, epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler(_ => double.NaN)]));
    }

    /// <summary>Feeds a monitored sequence as Fit would and returns the optimizer's rate after each epoch and the logged rates.</summary>
    private static (List<double> Rates, List<double> Logged) Drive(ReduceLROnPlateau cb, double learningRate, params double[] values)
    {
        var model = new Sequential([new Dense(1)]);
        model.Compile(new SharpKeras.Optimizers.SGD(learningRate), "mean_squared_error");
        cb.Model = model;
        cb.OnTrainBegin();
        var rates = new List<double>();
        var logged = new List<double>();
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            var logs = new Dictionary<string, double> { ["loss"] = values[epoch] };
            cb.OnEpochEnd(epoch, logs);
            rates.Add(model.Optimizer!.LearningRate);
            logged.Add(logs["learning_rate"]);
        }
        return (rates, logged);
    }

    [Fact]
    public void ReduceLROnPlateauReducesAfterPatienceThenCoolsDown()
    {
        var (rates, logged) = Drive(new ReduceLROnPlateau("loss", factor: 0.5, patience: 2, cooldown: 1), 0.1, 1, 1, 1, 1, 1, 1, 1);
        // Epoch 2 reduces; epoch 3 is the cooldown; the plateau counts again from epoch 4 and reduces at epochs 4 and 6.
        Assert.Equal(new double[] { 0.1, 0.1, 0.05f, 0.05f, 0.025f, 0.025f, 0.0125f }, rates);
        // The rate is logged before that epoch's reduction, as Keras does.
        Assert.Equal(new double[] { 0.1, 0.1, 0.1, 0.05f, 0.05f, 0.025f, 0.025f }, logged);
    }

    [Fact]
    public void ReduceLROnPlateauResetsOnImprovementAndStopsAtMinLr()
    {
        var (rates, _) = Drive(new ReduceLROnPlateau("loss", factor: 0.5, patience: 2), 0.1, 1.0, 1.0, 0.5, 0.5, 0.49995);
        // 0.49995 is within minDelta (1e-4) of 0.5, so the plateau reaches patience on the last epoch.
        Assert.Equal(new double[] { 0.1, 0.1, 0.1, 0.1, 0.05f }, rates);
        var (floored, _) = Drive(new ReduceLROnPlateau("loss", factor: 0.1, patience: 1, minLr: 0.03), 0.1, 1, 1, 1, 1);
        Assert.Equal(new double[] { 0.1, 0.03f, 0.03f, 0.03f }, floored);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1.0));
    }

    [Fact]
    public void ReduceLROnPlateauChangesTheRateDuringFit()
    {
        var (x, y, vx, vy) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model(learningRate: 0.1);
        // A minDelta no change can beat: only the first epoch counts as an improvement.
        var history = model.Fit(x, y, batchSize: 16, epochs: 4, verbose: 0, validationData: (vx, vy),
            callbacks: [new LearningRateScheduler((e, lr) => e == 0 ? 0.2 : lr), new ReduceLROnPlateau(factor: 0.5, patience: 1, minDelta: 1e9)]);
        Assert.Equal(new double[] { 0.2f, 0.2f, 0.1f, 0.05f }, history["learning_rate"]);
        Assert.Equal(0.025f, model.Optimizer!.LearningRate);
    }
}
