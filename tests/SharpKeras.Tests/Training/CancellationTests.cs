using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;
using Xunit;

namespace SharpKeras.Tests.Training;

/// <summary>A CancellationToken on the array forms of Fit, Evaluate and Predict stops between batches and leaves the weights of the last whole step.</summary>
public sealed class CancellationTests
{
    private static Sequential Model()
    {
        var model = new Sequential([Keras.Input([4]), new Dense(6, activation: "tanh", kernelInitializer: "ones"), new Dense(2, kernelInitializer: "ones")]);
        model.Compile("adam", "mse");
        return model;
    }

    [Fact]
    public void FitCancelledInABatchEndsBeforeTheNextStepWithThatStepsWeights()
    {
        var x = GradCheck.Random(1, -1, 1, 64, 4);
        var y = GradCheck.Random(2, -1, 1, 64, 2);
        var model = Model();
        using var cts = new CancellationTokenSource();
        float[][]? atCancel = null;
        int batchesEnded = 0;
        var cancelAfterThird = new LambdaCallback(onTrainBatchEnd: (batch, _) =>
        {
            batchesEnded++;
            if (batchesEnded == 3)
            {
                atCancel = [.. model.GetWeights().Select(w => w.ToArray())];
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: false, callbacks: [cancelAfterThird], cancellationToken: cts.Token));
        Assert.Equal(3, batchesEnded);
        var after = model.GetWeights();
        for (int i = 0; i < after.Count; i++)
        {
            Assert.Equal(atCancel![i], after[i].ToArray());
        }

        // The same three steps without a token give the same weights: cancelling changed nothing but where training stopped.
        var reference = Model();
        reference.Fit(x.Slice(0, 24), y.Slice(0, 24), batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        var expected = reference.GetWeights();
        for (int i = 0; i < after.Count; i++)
        {
            Assert.Equal(expected[i].ToArray(), after[i].ToArray());
        }
    }

    [Fact]
    public void EvaluateAndPredictWithACancelledTokenThrowAndTheModelStaysUsable()
    {
        var x = GradCheck.Random(3, -1, 1, 20, 4);
        var y = GradCheck.Random(4, -1, 1, 20, 2);
        var model = Model();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => model.Evaluate(x, y, verbose: 0, cancellationToken: cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => model.Predict(x, verbose: 0, cancellationToken: cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => model.Fit(x, y, verbose: 0, cancellationToken: cts.Token));
        // A cancelled call leaves nothing held: the next calls run.
        Assert.True(double.IsFinite(model.Evaluate(x, y, verbose: 0).Loss));
        Assert.Equal([20, 2], model.Predict(x, verbose: 0).Shape.ToArray());
        model.Fit(x, y, verbose: 0, epochs: 1);
    }
}
