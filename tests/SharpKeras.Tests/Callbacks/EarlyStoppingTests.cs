using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Callbacks;

public class EarlyStoppingTests
{
    /// <summary>Feeds a monitored sequence to the callback as Fit would, stopping when the model is told to; returns the epochs run.</summary>
    private static int Drive(EarlyStopping es, string key, params double[] values)
    {
        var model = new Sequential([new Dense(1)]);
        es.Model = model;
        model.StopTraining = false;
        es.OnTrainBegin();
        int epoch = 0;
        for (; epoch < values.Length && !model.StopTraining; epoch++)
        {
            es.OnEpochEnd(epoch, new Dictionary<string, double> { ["loss"] = 1, [key] = values[epoch] });
        }
        return epoch;
    }

    [Fact]
    public void StopsAfterPatienceEpochsWithoutAnImprovementLargerThanMinDelta()
    {
        var es = new EarlyStopping(minDelta: -1e-4, patience: 2);
        // 0.79995 beats 0.8 by less than minDelta (whose sign Keras ignores), so it is not an improvement.
        int ran = Drive(es, "val_loss", 1.0, 0.8, 0.79995, 0.9, 0.85, 0.95);
        Assert.Equal(4, ran);
        Assert.Equal(3, es.StoppedEpoch);
        Assert.Equal(0.8, es.Best);
        Assert.Equal(1, es.BestEpoch);
    }

    [Fact]
    public void BaselineNotBeatenKeepsCountingPatience()
    {
        Assert.Equal(3, Drive(new EarlyStopping(patience: 2), "val_loss", 0.9, 0.9, 0.9, 0.9));
        Assert.Equal(2, Drive(new EarlyStopping(patience: 2, baseline: 0.5), "val_loss", 0.9, 0.9, 0.9, 0.9));
    }

    [Fact]
    public void StartFromEpochIgnoresWarmUpEpochs()
    {
        Assert.Equal(2, Drive(new EarlyStopping(patience: 1), "val_loss", 1, 2, 3, 4, 5, 6));
        var es = new EarlyStopping(patience: 1, startFromEpoch: 2);
        Assert.Equal(4, Drive(es, "val_loss", 1, 2, 3, 4, 5, 6));
        Assert.Equal(3.0, es.Best);
    }

    [Fact]
    public void AutoModeMaximizesAccuracyAndRefusesUnknownNames()
    {
        Assert.Equal(3, Drive(new EarlyStopping("val_accuracy", patience: 1), "val_accuracy", 0.5, 0.6, 0.55, 0.7));
        Assert.Equal(4, Drive(new EarlyStopping("val_accuracy", patience: 1, mode: "min"), "val_accuracy", 0.5, 0.4, 0.3, 0.35));
        var e = Assert.Throws<ArgumentException>(() => Drive(new EarlyStopping("val_foo"), "val_foo", 1, 2));
        Assert.Contains("monitor=val_foo", e.Message);
        Assert.Throws<ArgumentException>(() => new EarlyStopping(mode: "up"));
    }

    [Fact]
    public void RestoreBestWeightsStopsPatienceEpochsAfterTheBestAndRestoresIt()
    {
        var (x, y, vx, vy) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        var weights = new List<IReadOnlyList<Tensor>>();
        var logs = new List<Dictionary<string, double>>();
        var es = new EarlyStopping(patience: 2, restoreBestWeights: true);
        var history = model.Fit(x, y, batchSize: 16, epochs: 30, verbose: 0, validationData: (vx, vy), shuffle: false,
            callbacks: [CallbackFixtures.DivergeAfter(6), CallbackFixtures.Recorder(weights, logs, model), es]);

        var valLoss = history["val_loss"];
        int best = CallbackFixtures.ArgMin(valLoss);
        Assert.True(best >= 3 && best <= 6, $"val_loss should fall while the rate is small, then rise: {string.Join(", ", valLoss)}");
        Assert.Equal(best + 2 + 1, valLoss.Count);
        Assert.Equal(best + 2, es.StoppedEpoch);
        Assert.Equal(best, es.BestEpoch);
        Assert.True(model.StopTraining);
        // The model ends with the best epoch's weights, not the last (diverged) ones.
        CallbackFixtures.AssertSameWeights(weights[best], model.GetWeights());
        Assert.NotEqual(weights[^1][0].ToArray(), model.GetWeights()[0].ToArray());
    }
}
