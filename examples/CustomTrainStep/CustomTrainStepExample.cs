// keras-io guide "Customizing what happens in fit()" (guides/custom_train_step_in_tensorflow.py), its first
// and second parts: a Model subclass overriding train_step with a GradientTape, the optimizer applying the
// gradients and metric trackers listed in `metrics` so fit() resets them each epoch.
using System.Globalization;
using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>The custom train_step guide as a function the example program and the smoke test both run.</summary>
internal static class CustomTrainStepExample
{
    /// <summary>The guide's CustomModel: MSE by hand, a Mean loss tracker and a MeanAbsoluteError metric.</summary>
    private sealed class CustomModel : Model
    {
        private readonly Mean _lossTracker = new(name: "loss");
        private readonly MeanAbsoluteError _maeMetric = new(name: "mae");

        public CustomModel(KerasTensor inputs, KerasTensor outputs) : base(inputs, outputs)
        {
        }

        public override IReadOnlyDictionary<string, double> TrainStep(StepData data)
        {
            var (x, y) = data;
            Tensor loss, yPred;
            Tensor?[] gradients;
            var trainableVars = TrainableWeights;
            using (var tape = new GradientTape())
            {
                yPred = Apply(x, training: true);  // Forward pass
                // Compute our own loss; keras.losses.mean_squared_error is per sample and the tape sums it,
                // the mean keeps the gradient of the guide's reported loss.
                loss = Ops.Mean(Ops.Square(y! - yPred));
                gradients = tape.Gradient(loss, trainableVars);
            }
            // Update weights
            Optimizer!.ApplyGradients(gradients, trainableVars);
            // Compute our own metrics
            _lossTracker.UpdateState(loss);
            _maeMetric.UpdateState(y!, yPred);
            return new Dictionary<string, double>
            {
                ["loss"] = _lossTracker.Result(),
                ["mae"] = _maeMetric.Result(),
            };
        }

        // We list our `Metric` objects here so that `reset_state()` can be called automatically at the start
        // of each epoch or at the start of `evaluate()`.
        public override IReadOnlyList<Metric> Metrics => [_lossTracker, _maeMetric];
    }

    /// <summary>The guide's second part: a Model whose TrainStep calls ComputeLoss (the loss passed to compile)
    /// and updates every metric in `metrics`: as Keras 3's, the compiled loss tracker ("loss") and the compiled metrics.</summary>
    private sealed class CompiledLossModel : Model
    {
        public CompiledLossModel(KerasTensor inputs, KerasTensor outputs) : base(inputs, outputs)
        {
        }

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
            var logs = new Dictionary<string, double>();
            foreach (var metric in Metrics)
            {
                if (metric.Name == "loss" && metric is Mean tracker)
                {
                    tracker.Update(loss.Item());
                }
                else
                {
                    metric.UpdateState(y!, yPred);
                }
                // Return a dict mapping metric names to current value
                logs[metric.Name] = metric.Result();
            }
            return logs;
        }
    }

    /// <summary>Fits both models on the guide's random data (x: (samples, 32), y: (samples, 1)).</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose)
    {
        // Construct and compile an instance of CustomModel
        var inputs = Keras.Input([32]);
        var outputs = new Dense(1).Apply(inputs);
        var model = new CustomModel(inputs, outputs);
        model.Compile("adam");

        // Just use `fit` as usual
        var x = Keras.Random.Uniform([samples, 32]);
        var y = Keras.Random.Uniform([samples, 1]);
        var history = model.Fit(x, y, batchSize: batchSize, epochs: epochs, verbose: verbose);

        // Going lower-level: the loss and metrics passed to compile(), used from the custom step.
        var inputs2 = Keras.Input([32]);
        var model2 = new CompiledLossModel(inputs2, new Dense(1).Apply(inputs2));
        model2.Compile("adam", "mse", ["mae"]);
        var history2 = model2.Fit(x, y, batchSize: batchSize, epochs: epochs, verbose: verbose);

        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT loss={history["loss"][^1]:F4} mae={history["mae"][^1]:F4} first_loss={history["loss"][0]:F4} compiled_loss={history2["loss"][^1]:F4} samples={samples} epochs={epochs} batch_size={batchSize}");
        return (history["loss"], result);
    }
}
