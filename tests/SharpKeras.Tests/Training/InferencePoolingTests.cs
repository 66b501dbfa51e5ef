using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Training;

/// <summary>
/// Max pooling inside an inference plan (Predict) keeps no argmax, since the plan only replays its forward: the
/// outputs stay the eager call's floats (ties and equal windows included), and a gradient taken afterwards on the
/// same model, outside any plan, still routes through the maxima as on a model that never predicted.
/// </summary>
public sealed class InferencePoolingTests
{
    private static Sequential Model(int seed)
    {
        Config.SetRandomSeed(seed);
        return new Sequential([
            new Conv2D(4, 3, padding: "same", inputShape: [8, 8, 2]), new MaxPooling2D(2), new Flatten(), new Dense(3)]);
    }

    // Values rounded to a coarse grid so that many windows hold ties.
    private static readonly Tensor X = Tensor.FromArray(
        [.. GradCheck.Random(31, -1, 1, 6, 8, 8, 2).ToArray().Select(v => MathF.Round(v * 2) / 2)], 6, 8, 8, 2);

    private static IReadOnlyList<Tensor?> Gradients(Model model)
    {
        using var tape = new GradientTape();
        var loss = Ops.Sum(Ops.Square(model.Apply(X, training: true)));
        return tape.Gradient(loss, model.TrainableWeights);
    }

    [Fact]
    public void PredictGivesTheEagerFloatsAndLeavesTrainingGradientsIntact()
    {
        var model = Model(1);
        var predicted = model.Predict(X, batchSize: 4, verbose: 0).ToArray();
        Assert.Equal(model.Apply(X).ToArray(), predicted);
        Assert.Equal(model.Apply(X.Slice(2, 1)).ToArray(), model.PredictOnBatch(X.Slice(2, 1)).ToArray());
        var afterPredict = Gradients(model);
        var fresh = Model(99);
        fresh.SetWeights(model.GetWeights());
        var expected = Gradients(fresh);
        Assert.Equal(expected.Count, afterPredict.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i]!.ToArray(), afterPredict[i]!.ToArray());
        }
    }
}
