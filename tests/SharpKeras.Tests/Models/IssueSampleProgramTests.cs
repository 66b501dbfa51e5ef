using System.Globalization;
using System.Text.RegularExpressions;
using SharpKeras.Callbacks;
using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Models;

/// <summary>The sample program of issue 15, as a user writes it (less the EarlyStopping callback, built elsewhere).</summary>
[Collection(ConsoleCollection.Name)]
public partial class IssueSampleProgramTests
{
    // The program's body, unchanged.
    private static (History History, Sequential Model, Sequential M2, Tensor Padded, Tensor Noise) Program()
    {
        Config.SetRandomSeed(1);
        var rng = new Random(1);
        var x = Tensor.FromArray(Enumerable.Range(0, 256 * 20).Select(_ => (float)rng.NextDouble()).ToArray(), 256, 20);
        var labels = Enumerable.Range(0, 256).Select(i => i % 3).ToArray();
        var y = Keras.Utils.ToCategorical(labels, numClasses: 3);

        // a Sequential that starts with an Input is built at once
        var model = new Sequential([
            Keras.Input([20]),
            new Dense(16, activation: "relu"),
            new Dropout(0.1),
            new Dense(3, activation: "softmax"),
        ]);
        model.SetWeights(model.GetWeights());
        model.Compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var history = model.Fit(x, y, batchSize: 32, epochs: 3, validationSplit: 0.2, verbose: 0,
            callbacks: [new EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)]);
        var score = model.Evaluate(x, y, verbose: 0);
        Console.WriteLine($"loss {score[0]:F4} accuracy {score[1]:F4} epochs {history.Epoch.Count}");
        var batchLogs = model.TrainOnBatch(x, y);
        Console.WriteLine($"train_on_batch loss {batchLogs[0]:F4}");

        // Keras 2 style input declaration on the first layer
        var m2 = new Sequential();
        m2.Add(new Dense(8, activation: "relu", inputShape: [20]));
        m2.Add(new Dense(1, activation: "sigmoid"));
        m2.Compile("rmsprop", "binary_crossentropy", ["accuracy"]);
        m2.Summary();

        // sequences
        var seqs = new List<int[]> { new[] { 1, 2, 3 }, new[] { 4, 5 }, new[] { 6 } };
        var padded = Keras.Utils.PadSequences(seqs, maxlen: 4);
        Console.WriteLine($"padded {padded.Shape}");
        var noise = Keras.Random.Normal([2, 3], mean: 0, stddev: 1, seed: 7);
        Console.WriteLine($"noise {noise.Shape}");
        Console.WriteLine("APICHECK ok");
        return (history, model, m2, padded, noise);
    }

    [Fact]
    public void RunsAndPrintsWhatKerasWould()
    {
        var previous = Console.Out;
        var output = new StringWriter(CultureInfo.InvariantCulture);
        (History History, Sequential Model, Sequential M2, Tensor Padded, Tensor Noise) result;
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            Console.SetOut(output);
            result = Program();
        }
        finally
        {
            Console.SetOut(previous);
            CultureInfo.CurrentCulture = culture;
        }
        var text = output.ToString();
        Assert.EndsWith("APICHECK ok" + Environment.NewLine, text, StringComparison.Ordinal);

        var score = LossLine().Match(text);
        Assert.True(score.Success, text);
        double loss = double.Parse(score.Groups[1].Value, CultureInfo.InvariantCulture);
        double accuracy = double.Parse(score.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(loss > 0 && double.IsFinite(loss), text);
        Assert.InRange(accuracy, 0.0, 1.0);
        Assert.Equal("3", score.Groups[3].Value);
        Assert.Equal(3, result.History.Epoch.Count);
        Assert.All(result.History.HistoryData["loss"], v => Assert.True(double.IsFinite(v)));
        Assert.All(result.History.HistoryData["val_loss"], v => Assert.True(double.IsFinite(v)));

        var batch = TrainOnBatchLine().Match(text);
        Assert.True(batch.Success, text);
        Assert.True(double.IsFinite(double.Parse(batch.Groups[1].Value, CultureInfo.InvariantCulture)));

        // The summary of the model declared with inputShape, printed before any Fit: 20*8+8 + 8+1 parameters.
        Assert.True(result.M2.Built || result.M2.Layers.All(l => l.Built));
        Assert.Contains("Total params: 177", text, StringComparison.Ordinal);
        Assert.Equal(new Shape(3, 4), result.Padded.Shape);
        Assert.Equal([0, 1, 2, 3, 0, 0, 4, 5, 0, 0, 0, 6], result.Padded.ToInt32Array());
        Assert.Contains("padded (3, 4)", text, StringComparison.Ordinal);
        Assert.Equal(new Shape(2, 3), result.Noise.Shape);
        Assert.Contains("noise (2, 3)", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"loss (\d+\.\d{4}) accuracy (\d+\.\d{4}) epochs (\d+)")]
    private static partial Regex LossLine();

    [GeneratedRegex(@"train_on_batch loss (\d+\.\d{4})")]
    private static partial Regex TrainOnBatchLine();
}
