using SharpKeras.Layers;
using SharpKeras.Models;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Normalization;

/// <summary>BatchNormalization and LayerNormalization as layers: weights, training versus inference, errors.</summary>
public class BatchNormalizationLayerTests
{
    [Fact]
    public void BatchNormalizationHasKerasWeightsInKerasOrder()
    {
        var bn = new BatchNormalization();
        bn.Apply(Random(1, -1, 1, 2, 4, 4, 3));
        Assert.Equal(["gamma", "beta", "moving_mean", "moving_variance"], bn.Weights.Select(w => w.Name));
        Assert.Equal(2, bn.TrainableWeights.Count);
        Assert.Equal(["moving_mean", "moving_variance"], bn.NonTrainableWeights.Select(w => w.Name));
        Assert.Equal(12, bn.CountParams());
        Assert.Equal(0.99, bn.Momentum);
        Assert.Equal(1e-3, bn.Epsilon);
        Assert.Equal(new float[] { 1, 1, 1 }, bn.MovingVariance!.Value.ToArray());
        Assert.Equal(4, new BatchNormalization(center: false, scale: false).Apply(Random(1, -1, 1, 2, 4)).Shape[1]);
    }

    [Fact]
    public void FitUsesBatchStatisticsAndMovesTheMovingOnesWhileEvaluateAndPredictUseThem()
    {
        Config.SetRandomSeed(1);
        var bn = new BatchNormalization(momentum: 0.5);
        var model = new Sequential([new InputLayer([4, 4, 2]), bn, new Flatten(), new Dense(3, activation: "softmax")]);
        model.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        // Data with mean 5 and standard deviation about 2 per channel.
        var x = Random(2, 1.5f, 8.5f, 64, 4, 4, 2);
        var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => i % 3).ToArray(), 64);
        model.Fit(x, y, batchSize: 32, epochs: 3, verbose: 0);
        var mean = bn.MovingMean!.Value.ToArray();
        var variance = bn.MovingVariance!.Value.ToArray();
        // Six updates with momentum 0.5 from 0 and 1 keep 1.6% of the start: 0.984 times the recent batch means,
        // which differ from 5 by about 0.1 (512 values per channel and batch), whatever the shuffle order.
        Assert.All(mean, m => Assert.InRange(m, 4.6, 5.2));
        Assert.All(variance, v => Assert.InRange(v, 3.0, 5.0));

        var p1 = model.Predict(x, verbose: 0).ToArray();
        model.Evaluate(x, y, verbose: 0);
        var p2 = model.Predict(x.Slice(0, 5), verbose: 0).ToArray();
        Assert.Equal(mean, bn.MovingMean.Value.ToArray());
        Assert.Equal(variance, bn.MovingVariance.Value.ToArray());
        // Inference normalises each sample alone with the moving statistics: a sample's output does not depend on its batch.
        Assert.Equal(p1[..15], p2, (a, b) => Math.Abs(a - b) < 1e-6);

        // Training mode normalises with the batch's own statistics, so a batch's outputs change with its company.
        var inBatch = bn.Apply(x, training: true).ToArray();
        var alone = bn.Apply(x.Slice(0, 2).Clone(), training: true).ToArray();
        Assert.NotEqual(inBatch[0], alone[0]);
    }

    [Fact]
    public void FrozenBatchNormalizationRunsInInferenceMode()
    {
        var bn = new BatchNormalization();
        var x = Random(1, 2, 4, 8, 3);
        bn.Apply(x);
        bn.Trainable = false;
        var before = bn.MovingMean!.Value.ToArray();
        var training = bn.Apply(x, training: true).ToArray();
        var inference = bn.Apply(x, training: false).ToArray();
        Assert.Equal(inference, training);
        Assert.Equal(before, bn.MovingMean.Value.ToArray());
    }

    [Fact]
    public void BadInputsNameTheLayerAndShapes()
    {
        var bn = new BatchNormalization(name: "bn");
        bn.Apply(Random(1, -1, 1, 2, 3));
        var e = Assert.Throws<ArgumentException>(() => bn.Apply(Random(1, -1, 1, 2, 4)));
        Assert.Contains("\"bn\"", e.Message);
        Assert.Contains("value 3", e.Message);
        Assert.Throws<ArgumentException>(() => new BatchNormalization(axis: 1).Apply(Random(1, -1, 1, 2, 3, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(momentum: 1.5));
        var ln = new LayerNormalization(name: "ln");
        ln.Apply(Random(1, -1, 1, 2, 5));
        Assert.Contains("\"ln\"", Assert.Throws<ArgumentException>(() => ln.Apply(Random(1, -1, 1, 2, 6))).Message);
    }
}
