// keras-io guide "Writing a training loop from scratch in TensorFlow"
// (guides/writing_a_custom_training_loop_in_tensorflow.py): no fit(); a GradientTape per batch, the optimizer
// applying the gradients, and SparseCategoricalAccuracy driven by update_state / result / reset_state.
using System.Globalization;
using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>The training-loop-from-scratch guide as a function the example program and the smoke test both run.</summary>
internal static class TrainingLoopFromScratchExample
{
    private static Model GetModel()
    {
        var inputs = Keras.Input([784], name: "digits");
        var x1 = new Dense(64, activation: "relu").Apply(inputs);
        var x2 = new Dense(64, activation: "relu").Apply(x1);
        var outputs = new Dense(10, name: "predictions").Apply(x2);
        return new Model(inputs, outputs);
    }

    /// <summary>Trains on MNIST-shaped data (Fashion-MNIST when installed); returns the mean training loss of each epoch.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath)
    {
        var model = GetModel();
        // Instantiate an optimizer.
        var optimizer = new SharpKeras.Optimizers.Adam(learningRate: 1e-3);
        // Instantiate a loss function.
        var lossFn = new SharpKeras.Losses.SparseCategoricalCrossentropy(fromLogits: true);
        // Prepare the metrics.
        var trainAccMetric = new SparseCategoricalAccuracy();
        var valAccMetric = new SparseCategoricalAccuracy();

        // Prepare the training dataset. The guide loads MNIST; Fashion-MNIST (same shape) is what this machine has.
        var (xAll, yAll, source) = MnistShaped.Load(samples, dataPath);
        int numVal = Math.Max(1, xAll.Shape[0] / 6);  // the guide reserves 10,000 of 60,000 samples for validation
        int numTrain = xAll.Shape[0] - numVal;
        var (xTrain, yTrain) = (xAll.Slice(0, numTrain), yAll.Slice(0, numTrain));
        var (xVal, yVal) = (xAll.Slice(numTrain, numVal), yAll.Slice(numTrain, numVal));
        Console.WriteLine($"{source}: {numTrain} training and {numVal} validation samples.");

        var epochLosses = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Console.WriteLine($"\nStart of epoch {epoch}");
            // tf.data's shuffle(1024).batch(batch_size): a fresh order each epoch.
            var (xShuffled, yShuffled) = Shuffle(xTrain, yTrain, seed: epoch);
            int steps = (numTrain + batchSize - 1) / batchSize;
            var progbar = new Progbar(steps, verbose: verbose);
            double lossSum = 0;
            // Iterate over the batches of the dataset.
            for (int step = 0; step < steps; step++)
            {
                int start = step * batchSize, count = Math.Min(batchSize, numTrain - start);
                var xBatchTrain = xShuffled.Slice(start, count);
                var yBatchTrain = yShuffled.Slice(start, count);
                Tensor lossValue, logits;
                Tensor?[] grads;
                using (var tape = new GradientTape())
                {
                    logits = model.Apply(xBatchTrain, training: true);
                    lossValue = lossFn.Compute(yBatchTrain, logits);
                    grads = tape.Gradient(lossValue, model.TrainableWeights);
                }
                optimizer.ApplyGradients(grads, model.TrainableWeights);
                // Update training metric.
                trainAccMetric.UpdateState(yBatchTrain, logits);
                lossSum += lossValue.Item();
                // The guide prints the loss every 100 steps; the Keras progress bar shows it on every step.
                progbar.Update(step + 1, [new("loss", lossValue.Item()), new("accuracy", trainAccMetric.Result())]);
            }
            epochLosses.Add(lossSum / steps);

            // Display metrics at the end of each epoch.
            double trainAcc = trainAccMetric.Result();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Training acc over epoch: {trainAcc:F4}"));
            // Reset training metrics at the end of each epoch
            trainAccMetric.ResetState();

            // Run a validation loop at the end of each epoch.
            for (int start = 0; start < numVal; start += batchSize)
            {
                int count = Math.Min(batchSize, numVal - start);
                var valLogits = model.Apply(xVal.Slice(start, count), training: false);
                // Update val metrics
                valAccMetric.UpdateState(yVal.Slice(start, count), valLogits);
            }
            double valAcc = valAccMetric.Result();
            valAccMetric.ResetState();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Validation acc: {valAcc:F4}"));
            if (epoch == epochs - 1)
            {
                string result = string.Create(CultureInfo.InvariantCulture,
                    $"RESULT val_acc={valAcc:F4} train_acc={trainAcc:F4} loss={epochLosses[^1]:F4} first_loss={epochLosses[0]:F4} data={source.Split(' ')[0]} samples={numTrain} epochs={epochs} batch_size={batchSize}");
                return (epochLosses, result);
            }
        }
        return (epochLosses, "RESULT epochs=0");
    }

    private static (Tensor X, Tensor Y) Shuffle(Tensor x, Tensor y, int seed)
    {
        int n = x.Shape[0], width = x.Shape.Size / n;
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        float[] xs = x.ToArray(), ys = y.ToArray();
        var xOut = new float[xs.Length];
        var yOut = new float[n];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(xs, order[i] * width, xOut, i * width, width);
            yOut[i] = ys[order[i]];
        }
        return (Tensor.FromArray(xOut, x.Shape.Dims.ToArray()), Tensor.FromArray(yOut, n));
    }
}
