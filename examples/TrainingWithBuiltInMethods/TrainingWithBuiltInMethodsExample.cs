// keras-io guide "Training & evaluation with the built-in methods" (guides/training_with_built_in_methods.py):
// fit/evaluate/predict on a functional MNIST model, then class_weight, sample_weight, EarlyStopping,
// ModelCheckpoint, a learning-rate schedule and ReduceLROnPlateau, each in a short fit as the guide does.
using System.Globalization;
using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Optimizers.Schedules;

namespace SharpKeras.Examples;

/// <summary>The built-in training guide as a function the example program and the smoke test both run.</summary>
internal static class TrainingWithBuiltInMethodsExample
{
    private static Model GetUncompiledModel()
    {
        var inputs = Keras.Input([784], name: "digits");
        var x = new Dense(64, activation: "relu", name: "dense_1").Apply(inputs);
        x = new Dense(64, activation: "relu", name: "dense_2").Apply(x);
        var outputs = new Dense(10, activation: "softmax", name: "predictions").Apply(x);
        return new Model(inputs, outputs);
    }

    private static Model GetCompiledModel()
    {
        var model = GetUncompiledModel();
        model.Compile(new RMSprop(learningRate: 1e-3), "sparse_categorical_crossentropy", ["sparse_categorical_accuracy"]);
        return model;
    }

    /// <summary>Runs the guide's fits; the losses returned are the first fit's per-epoch training losses.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int samples, int epochs, int batchSize, int verbose, string? dataPath)
    {
        // The guide loads MNIST (60,000 + 10,000); Fashion-MNIST of the same shape is what this machine has.
        var (xAll, yAll, source) = MnistShaped.Load(samples, dataPath);
        int numHeldOut = Math.Max(1, xAll.Shape[0] / 7);
        int numTrain = xAll.Shape[0] - 2 * numHeldOut;
        var (xTrain, yTrain) = (xAll.Slice(0, numTrain), yAll.Slice(0, numTrain));
        // Reserve samples for validation
        var (xVal, yVal) = (xAll.Slice(numTrain, numHeldOut), yAll.Slice(numTrain, numHeldOut));
        var (xTest, yTest) = (xAll.Slice(numTrain + numHeldOut, numHeldOut), yAll.Slice(numTrain + numHeldOut, numHeldOut));
        Console.WriteLine($"{source}: {numTrain} training, {numHeldOut} validation and {numHeldOut} test samples.");

        // API overview: a first end-to-end example
        var model = GetUncompiledModel();
        model.Compile(
            new RMSprop(),  // Optimizer
            new SharpKeras.Losses.SparseCategoricalCrossentropy(),  // Loss function to minimize
            [new SparseCategoricalAccuracy()]);  // List of metrics to monitor
        Console.WriteLine("Fit model on training data");
        var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, verbose: verbose,
            // We pass some validation for monitoring validation loss and metrics at the end of each epoch
            validationData: (xVal, yVal));
        Console.WriteLine("history.history: " + string.Join(", ", history.HistoryData.Select(kv =>
            $"'{kv.Key}': [{string.Join(", ", kv.Value.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}]")));

        // Evaluate the model on the test data using `evaluate`
        Console.WriteLine("Evaluate on test data");
        var results = model.Evaluate(xTest, yTest, batchSize: 128, verbose: verbose);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test loss, test acc: [{results[0]:F4}, {results[1]:F4}]"));
        // Generate predictions (probabilities -- the output of the last layer) on new data using `predict`
        Console.WriteLine("Generate predictions for 3 samples");
        var predictions = model.Predict(xTest.Slice(0, 3), verbose: 0);
        Console.WriteLine($"predictions shape: ({string.Join(", ", predictions.Shape.Dims.ToArray())})");

        // Class weights: set weight "2" for class "5", making this class 2x more important.
        var classWeight = Enumerable.Range(0, 10).ToDictionary(c => c, c => c == 5 ? 2.0 : 1.0);
        Console.WriteLine("Fit with class weight");
        model = GetCompiledModel();
        model.Fit(xTrain, yTrain, classWeight: classWeight, batchSize: batchSize, epochs: 1, verbose: verbose);

        // Sample weights: the same effect per sample.
        var labels = yTrain.ToArray();
        var sampleWeight = Tensor.FromArray(labels.Select(l => l == 5f ? 2f : 1f).ToArray(), labels.Length);
        Console.WriteLine("Fit with sample weight");
        model = GetCompiledModel();
        model.Fit(xTrain, yTrain, sampleWeight: sampleWeight, batchSize: batchSize, epochs: 1, verbose: verbose);

        // Using callbacks: early stopping when val_loss stops improving by at least 1e-2 for 2 epochs.
        model = GetCompiledModel();
        Callback[] callbacks = [new EarlyStopping(
            // Stop training when `val_loss` is no longer improving
            monitor: "val_loss",
            // "no longer improving" being defined as "no better than 1e-2 less"
            minDelta: 1e-2,
            // "no longer improving" being further defined as "for at least 2 epochs"
            patience: 2,
            verbose: 1)];
        // The guide asks for 20 epochs and lets EarlyStopping end them; a few more than --epochs here.
        var stopped = model.Fit(xTrain, yTrain, epochs: epochs + 3, batchSize: batchSize, callbacks: callbacks,
            validationSplit: 0.2, verbose: verbose);

        // Checkpointing models: the guide writes mymodel_{epoch}.keras into the working folder.
        string folder = Directory.CreateTempSubdirectory("mymodel").FullName;
        model = GetCompiledModel();
        callbacks = [new ModelCheckpoint(
            // Path where to save the model; the {epoch} field is filled in with the epoch number.
            filepath: Path.Combine(folder, "mymodel_{epoch}.keras"),
            saveBestOnly: true,  // Only save a model if `val_loss` has improved.
            monitor: "val_loss",
            verbose: 1)];
        model.Fit(xTrain, yTrain, epochs: 2, batchSize: batchSize, callbacks: callbacks, validationSplit: 0.2, verbose: verbose);
        int checkpoints = Directory.GetFiles(folder, "*.keras").Length;
        Directory.Delete(folder, recursive: true);

        // Using learning rate schedules: exponential decay passed as the optimizer's learning rate.
        const double InitialLearningRate = 0.1;
        var lrSchedule = new ExponentialDecay(InitialLearningRate, decaySteps: 100000, decayRate: 0.96, staircase: true);
        var scheduled = GetUncompiledModel();
        scheduled.Compile(new RMSprop(learningRate: lrSchedule), "sparse_categorical_crossentropy", ["sparse_categorical_accuracy"]);
        scheduled.Fit(xTrain, yTrain, epochs: 1, batchSize: batchSize, verbose: verbose);

        // Dynamic schedules with a callback: ReduceLROnPlateau.
        model = GetCompiledModel();
        model.Fit(xTrain, yTrain, epochs: 2, batchSize: batchSize, validationData: (xVal, yVal), verbose: verbose,
            callbacks: [new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 0, verbose: 1)]);

        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT test_loss={results[0]:F4} test_acc={results[1]:F4} loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} early_stopping_epochs={stopped["loss"].Count} checkpoints={checkpoints} data={source.Split(' ')[0]} samples={numTrain} epochs={epochs} batch_size={batchSize}");
        return (history["loss"], result);
    }
}
