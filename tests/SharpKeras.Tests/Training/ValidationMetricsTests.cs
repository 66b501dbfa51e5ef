using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using CrossEntropy = SharpKeras.Losses.SparseCategoricalCrossentropy;

namespace SharpKeras.Tests.Training;

/// <summary>Fit's val_ metrics against hand-computed values and against Evaluate on the same validation slice.</summary>
public class ValidationMetricsTests
{
    // The rows are the logits themselves (identity kernel, no bias, learning rate 0). The first five (training)
    // are all classified correctly; of the last five (validation, split as validationSplit 0.5) two are right.
    private static readonly float[] Logits =
    [
        2, 0, 0, 2, 2, 0, 0, 2, 3, 0,
        1, 0, 0, 1, 1, 0, 0, 1, 1, 0,
    ];

    private static readonly int[] Labels = [0, 1, 0, 1, 0, 0, 1, 1, 0, 1];

    private static Model IdentityModel(Metric[] metrics)
    {
        var model = new Sequential([Keras.Input([2]), new Dense(2, useBias: false)]);
        model.SetWeights([Tensor.FromArray(new float[] { 1, 0, 0, 1 }, 2, 2)]);
        model.Compile(new SGD(0.0), new CrossEntropy(fromLogits: true), metrics);
        return model;
    }

    [Fact]
    public void ValMetricsOfMetricObjectsCoverOnlyTheValidationSlice()
    {
        var x = Tensor.FromArray(Logits, 10, 2);
        var y = Tensor.FromArray(Labels);
        var model = IdentityModel([new SparseCategoricalAccuracy(name: "accuracy"), new SparseTopKCategoricalAccuracy(1, name: "top1")]);

        // Batch 2 makes the validation pass 2 + 2 + 1 rows, so a wrongly weighted last batch shows too.
        var history = model.Fit(x, y, batchSize: 2, epochs: 2, verbose: 0, validationSplit: 0.5, shuffle: false);

        // Two validation rows right with margin 1, three wrong with margin -1; training rows right with margin 2 or 3.
        double expectedValLoss = (2 * Math.Log(1 + Math.Exp(-1)) + 3 * Math.Log(1 + Math.Exp(1))) / 5;
        double expectedLoss = (4 * Math.Log(1 + Math.Exp(-2)) + Math.Log(1 + Math.Exp(-3))) / 5;
        for (int epoch = 0; epoch < 2; epoch++)
        {
            Assert.Equal(1.0, history["accuracy"][epoch], 6);
            Assert.Equal(1.0, history["top1"][epoch], 6);
            Assert.Equal(expectedLoss, history["loss"][epoch], 5);
            Assert.Equal(0.4, history["val_accuracy"][epoch], 6);
            Assert.Equal(0.4, history["val_top1"][epoch], 6);
            Assert.Equal(expectedValLoss, history["val_loss"][epoch], 5);
        }

        var scores = model.Evaluate(x.Slice(5, 5), y.Slice(5, 5), batchSize: 2, verbose: 0, returnDict: true);
        Assert.Equal(expectedValLoss, scores["loss"], 5);
        Assert.Equal(0.4, scores["accuracy"], 6);
        Assert.Equal(0.4, scores["top1"], 6);
    }

    [Fact]
    public void EvaluateBeforeFitDoesNotLeakIntoTrainingMetrics()
    {
        var x = Tensor.FromArray(Logits, 10, 2);
        var y = Tensor.FromArray(Labels);
        var model = IdentityModel([new SparseCategoricalAccuracy(name: "accuracy")]);
        // An evaluation on the validation rows leaves accuracy 0.4 in the shared metric object.
        Assert.Equal(0.4, model.Evaluate(x.Slice(5, 5), y.Slice(5, 5), batchSize: 2, verbose: 0, returnDict: true)["accuracy"], 6);

        var history = model.Fit(x.Slice(0, 5), y.Slice(0, 5), batchSize: 2, epochs: 1, verbose: 0, shuffle: false);
        Assert.Equal(1.0, history["accuracy"][0], 6);
    }
}
