// keras-io "Timeseries forecasting for weather prediction" (timeseries/timeseries_weather_forecasting.py):
// seven normalised climate features sampled every hour over the past 5 days predict the temperature 12 hours
// ahead with LSTM(32) -> Dense(1); timeseries_dataset_from_array, EarlyStopping and ModelCheckpoint.
using System.Globalization;
using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Examples;

/// <summary>The weather forecasting example as a function the example program and the smoke test both run.</summary>
internal static class WeatherForecastingExample
{
    // The seven features the example selects (titles[i] for i in [0, 1, 5, 7, 8, 10, 11]).
    private static readonly string[] SelectedFeatures =
        ["p (mbar)", "T (degC)", "VPmax (mbar)", "VPdef (mbar)", "sh (g/kg)", "rho (g/m**3)", "wv (m/s)"];

    /// <summary>Trains on jena_climate_2009_2016.csv from <paramref name="dataPath"/> when present, else on a generated
    /// 10-minute series of the same seven features; <paramref name="rows"/> limits the rows read.</summary>
    public static (IReadOnlyList<double> Losses, string Result) Run(int rows, int epochs, int batchSize, int verbose, string? dataPath,
        int past = 720, int future = 72)
    {
        const double SplitFraction = 0.715;
        const int Step = 6;
        const double LearningRate = 0.001;

        var (features, source) = Load(rows, dataPath);
        int n = features.GetLength(0), numFeatures = features.GetLength(1);
        int trainSplit = (int)(SplitFraction * n);
        Console.WriteLine($"{source}: {n} rows of {numFeatures} features ({string.Join(", ", SelectedFeatures)}).");

        // normalize(data, train_split): training mean and std per feature.
        var flat = new float[n * numFeatures];
        for (int j = 0; j < numFeatures; j++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < trainSplit; i++)
            {
                mean += features[i, j] / trainSplit;
            }
            for (int i = 0; i < trainSplit; i++)
            {
                variance += (features[i, j] - mean) * (features[i, j] - mean) / trainSplit;
            }
            double std = Math.Max(Math.Sqrt(variance), 1e-12);
            for (int i = 0; i < n; i++)
            {
                flat[i * numFeatures + j] = (float)((features[i, j] - mean) / std);
            }
        }
        var data = Tensor.FromArray(flat, n, numFeatures);
        var temperature = Tensor.FromArray(Enumerable.Range(0, n).Select(i => flat[i * numFeatures + 1]).ToArray(), n, 1);

        // Training dataset: the label of the window starting at i is the temperature 72 (12 hours) after it ends.
        int start = past + future;
        int end = start + trainSplit;
        int sequenceLength = past / Step;
        var xTrain = data.Slice(0, trainSplit);
        var yTrain = temperature.Slice(start, Math.Min(end, n) - start);
        var datasetTrain = Keras.Utils.TimeseriesDatasetFromArray(xTrain.Slice(0, yTrain.Shape[0]), yTrain,
            sequenceLength: sequenceLength, samplingRate: Step, batchSize: batchSize);

        // Validation dataset
        int xEnd = n - trainSplit - past - future;
        int labelStart = trainSplit + past + future;
        int windowSpan = (sequenceLength - 1) * Step + 1;
        if (xEnd < windowSpan)
        {
            throw new ArgumentException($"WeatherForecasting: {n} rows leave {Math.Max(xEnd, 0)} validation rows, fewer than one window of " +
                $"{windowSpan} (past {past}, future {future}); pass more rows (--samples) or a shorter past.", nameof(rows));
        }
        var xVal = data.Slice(trainSplit, xEnd);
        var yVal = temperature.Slice(labelStart, n - labelStart);
        var datasetVal = Keras.Utils.TimeseriesDatasetFromArray(xVal, yVal,
            sequenceLength: sequenceLength, samplingRate: Step, batchSize: batchSize);

        // for batch in dataset_train.take(1): inputs, targets = batch
        var (first, firstTargets) = (datasetTrain[0].X[0], datasetTrain[0].Y![0]);
        Console.WriteLine($"Input shape: ({string.Join(", ", first.Shape.Dims.ToArray())})");
        Console.WriteLine($"Target shape: ({string.Join(", ", firstTargets.Shape.Dims.ToArray())})");

        // Training
        var inputs = Keras.Input([first.Shape[1], first.Shape[2]]);
        var lstmOut = new LSTM(32).Apply(inputs);
        var outputs = new Dense(1).Apply(lstmOut);
        var model = new Model(inputs, outputs);
        model.Compile(new SharpKeras.Optimizers.Adam(learningRate: LearningRate), "mse");
        model.Summary();

        // Python saves "model_checkpoint.weights.h5" in the working folder; a temporary folder here.
        string folder = Directory.CreateTempSubdirectory("weather").FullName;
        string pathCheckpoint = Path.Combine(folder, "model_checkpoint.weights.h5");
        var esCallback = new EarlyStopping(monitor: "val_loss", minDelta: 0, patience: 5);
        var modelckptCallback = new ModelCheckpoint(monitor: "val_loss", filepath: pathCheckpoint, verbose: 1,
            saveWeightsOnly: true, saveBestOnly: true);
        var history = model.Fit(datasetTrain, epochs: epochs, verbose: verbose, validationData: datasetVal,
            callbacks: [esCallback, modelckptCallback]);
        bool checkpointWritten = File.Exists(pathCheckpoint);
        Directory.Delete(folder, recursive: true);

        // Prediction: the example plots five validation windows; printed here.
        var batch = datasetVal[0];
        var predictions = model.Predict(batch.X[0], verbose: 0).ToArray();
        var truth = batch.Y![0].ToArray();
        for (int i = 0; i < Math.Min(5, truth.Length); i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Single Step Prediction: true future {truth[i]:F3}, model prediction {predictions[i]:F3}"));
        }
        string result = string.Create(CultureInfo.InvariantCulture,
            $"RESULT val_loss={history["val_loss"][^1]:F4} loss={history["loss"][^1]:F4} first_loss={history["loss"][0]:F4} epochs_run={history["loss"].Count} checkpoint={checkpointWritten} data={source.Split(' ')[0]} rows={n} batch_size={batchSize}");
        return (history["loss"], result);
    }

    private static (double[,] Features, string Source) Load(int rows, string? dataPath)
    {
        string? csv = dataPath is null ? null : Path.Combine(dataPath, "jena_climate_2009_2016.csv");
        if (csv is not null && File.Exists(csv))
        {
            var lines = File.ReadLines(csv).Take(rows + 1).ToArray();
            var header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
            var columns = SelectedFeatures.Select(f => Array.IndexOf(header, f)).ToArray();
            var real = new double[lines.Length - 1, columns.Length];
            for (int i = 1; i < lines.Length; i++)
            {
                var cells = lines[i].Split(',');
                for (int j = 0; j < columns.Length; j++)
                {
                    real[i - 1, j] = double.Parse(cells[columns[j]], CultureInfo.InvariantCulture);
                }
            }
            return (real, $"real {csv}");
        }
        // A 10-minute series with daily and yearly cycles: temperature drives the vapour pressures, specific
        // humidity and density as in the real data; pressure and wind wander slowly.
        var rng = new Random(42);
        var x = new double[rows, SelectedFeatures.Length];
        double pressure = 990, wind = 2;
        for (int i = 0; i < rows; i++)
        {
            double day = i / 144.0;
            pressure += (rng.NextDouble() - 0.5) * 0.3 - (pressure - 990) * 0.001;
            wind = Math.Max(0, wind + (rng.NextDouble() - 0.5) * 0.2 - (wind - 2) * 0.01);
            double t = 9 - 8 * Math.Cos(2 * Math.PI * day / 365) - 4 * Math.Cos(2 * Math.PI * day) + (990 - pressure) * 0.2
                + (rng.NextDouble() - 0.5);
            double vpmax = 6.1 * Math.Exp(17.6 * t / (t + 243.5));
            double vpdef = vpmax * (0.3 + 0.2 * Math.Sin(2 * Math.PI * day));
            x[i, 0] = pressure;
            x[i, 1] = t;
            x[i, 2] = vpmax;
            x[i, 3] = vpdef;
            x[i, 4] = 0.622 * (vpmax - vpdef) / pressure * 1000;
            x[i, 5] = pressure * 100 / (287 * (t + 273.15)) * 1000;
            x[i, 6] = wind;
        }
        return (x, "generated data (jena_climate_2009_2016.csv not found in --data)");
    }
}
