using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Tests.Training;

namespace SharpKeras.Tests.Models;

/// <summary>
/// Keras 3's <c>model.metrics</c>: the loss tracker then the compiled metrics, filled by Fit, Evaluate and
/// TrainOnBatch, reset by each epoch, each Evaluate and ResetMetrics, and open to a custom TrainStep.
/// </summary>
public class ModelMetricsTests
{
    private static Sequential Classifier(int seed)
    {
        Config.SetRandomSeed(seed);
        var m = new Sequential([Keras.Input([6]), new Dense(8, activation: "relu"), new Dense(3, activation: "softmax")]);
        m.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return m;
    }

    [Fact]
    public void MetricsListTheLossTrackerThenTheCompiledMetricsAndHoldTheLastEpoch()
    {
        var (x, y) = FitTests.Blobs(64, 1);
        var model = Classifier(1);
        // Keras: once compiled, the loss tracker and the compiled metrics are listed (the kind of accuracy comes from the first batch).
        Assert.Equal(new[] { "loss", "accuracy" }, model.MetricsNames);
        var history = model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0);
        Assert.Equal(new[] { "loss", "accuracy" }, model.MetricsNames);
        Assert.IsType<Mean>(model.Metrics[0]);
        Assert.IsType<SparseCategoricalAccuracy>(model.Metrics[1]);
        // Reset at each epoch start, so after Fit they hold the last epoch's values, as the history's last entries.
        Assert.Equal(history["loss"][^1], model.Metrics[0].Result(), 10);
        Assert.Equal(history["accuracy"][^1], model.Metrics[1].Result(), 10);
    }

    [Fact]
    public void TrainOnBatchAccumulatesInTheModelMetricsUntilEvaluateOrResetMetrics()
    {
        var (x, y) = FitTests.Blobs(64, 2);
        var model = Classifier(2);
        var first = model.TrainOnBatch(x.Slice(0, 32), y.Slice(0, 32), returnDict: true);
        Assert.Equal(first["loss"], model.Metrics[0].Result(), 10);
        var second = model.TrainOnBatch(x.Slice(32, 32), y.Slice(32, 32), returnDict: true);
        Assert.Equal(second["loss"], model.Metrics[0].Result(), 10);
        Assert.Equal(second["accuracy"], model.Metrics[1].Result(), 10);
        // Keras's evaluate resets the model's metrics and leaves its own results in them.
        var score = model.Evaluate(x, y, batchSize: 16, verbose: 0);
        Assert.Equal(score[0], model.Metrics[0].Result(), 10);
        Assert.Equal(score[1], model.Metrics[1].Result(), 10);
        model.ResetMetrics();
        Assert.All(model.Metrics, m => Assert.Equal(0.0, m.Result()));
        var third = model.TestOnBatch(x.Slice(0, 10), y.Slice(0, 10), returnDict: true);
        Assert.Equal(third["loss"], model.Metrics[0].Result(), 10);
    }

    [Fact]
    public void SeveralOutputsListEachOutputsLossTrackerAfterTheCompiledMetrics()
    {
        Config.SetRandomSeed(3);
        var inputs = Keras.Input([4]);
        var a = new Dense(2, name: "a").Apply(inputs);
        var b = new Dense(1, name: "b").Apply(inputs);
        var model = new Model([inputs], [a, b]);
        model.Compile(new SharpKeras.Optimizers.SGD(), [new SharpKeras.Losses.MeanSquaredError(), new SharpKeras.Losses.MeanSquaredError()], metrics: ["mae"]);
        var x = GradCheckInputs(8, 4);
        var ya = GradCheckInputs(8, 2);
        var yb = GradCheckInputs(8, 1);
        var logs = model.TrainOnBatch([x], [ya, yb], returnDict: true);
        // The loss tracker, each output's compiled metric (logged as "a_mae", "b_mae"), then each output's loss tracker.
        Assert.Equal(new[] { "loss", "mae", "mae", "a_loss", "b_loss" }, model.MetricsNames);
        Assert.Equal(logs["loss"], model.Metrics[0].Result(), 10);
        Assert.Equal(logs["a_mae"], model.Metrics[1].Result(), 10);
        Assert.Equal(logs["b_mae"], model.Metrics[2].Result(), 10);
        Assert.Equal(logs["a_loss"], model.Metrics[3].Result(), 10);
        Assert.Equal(logs["b_loss"], model.Metrics[4].Result(), 10);
    }

    private static Tensor GradCheckInputs(int rows, int cols) =>
        Tensor.FromArray([.. Enumerable.Range(0, rows * cols).Select(i => (float)Math.Sin(i))], rows, cols);

    /// <summary>The keras-io guide's second custom train_step: the compiled loss through ComputeLoss, then every metric in <c>metrics</c> updated.</summary>
    private sealed class GuideModel(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var (x, y) = data;
            Tensor loss, yPred;
            Tensor?[] gradients;
            using (var tape = new GradientTape())
            {
                yPred = Apply(x, training: true);
                loss = ComputeLoss([x], [y!], [yPred]);
                gradients = tape.Gradient(loss, TrainableWeights);
            }
            Optimizer!.ApplyGradients(gradients, TrainableWeights);
            // Update metrics (includes the metric that tracks the loss)
            foreach (var metric in Metrics)
            {
                if (metric.Name == "loss")
                {
                    ((Mean)metric).Update(loss.Item(), data.BatchSize);
                }
                else
                {
                    metric.UpdateState(y!, yPred);
                }
            }
            // Return a dict mapping metric names to current value
            return Metrics.ToDictionary(m => m.Name, m => m.Result());
        }
    }

    [Fact]
    public void ACustomTrainStepUpdatesTheCompiledMetricsAsTheBuiltInStepDoes()
    {
        var x = GradCheckInputs(96, 32);
        var y = Tensor.FromArray([.. Enumerable.Range(0, 96).Select(i => (float)Math.Cos(i) * 0.5f)], 96, 1);
        Config.SetRandomSeed(4);
        var inputs = Keras.Input([32]);
        var guide = new GuideModel(inputs, new Dense(1).Apply(inputs));
        guide.Compile("adam", "mse", ["mae"]);
        var custom = guide.Fit(x, y, batchSize: 32, epochs: 3, verbose: 0, shuffle: false);
        Config.SetRandomSeed(4);
        var inputs2 = Keras.Input([32]);
        var builtIn = new Model(inputs2, new Dense(1).Apply(inputs2));
        builtIn.Compile("adam", "mse", ["mae"]);
        var expected = builtIn.Fit(x, y, batchSize: 32, epochs: 3, verbose: 0, shuffle: false);
        Assert.Equal(new[] { "loss", "mae" }, custom.HistoryData.Keys);
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(expected["loss"][e], custom["loss"][e], 5);
            Assert.Equal(expected["mae"][e], custom["mae"][e], 5);
        }
        Assert.Equal(new[] { "loss", "mae" }, guide.MetricsNames);
    }
}
