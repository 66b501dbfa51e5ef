using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Tests.Callbacks;

/// <summary>A linear regression whose validation loss first falls then rises, for callbacks that watch it.</summary>
internal static class CallbackFixtures
{
    /// <summary>y = 2 x0 - x1 + 0.5 on [0, 1) inputs; 64 training and 32 validation samples.</summary>
    public static (Tensor X, Tensor Y, Tensor ValX, Tensor ValY) Data()
    {
        var rng = new Random(7);
        (Tensor, Tensor) Make(int n)
        {
            var x = new float[n * 2];
            var y = new float[n];
            for (int i = 0; i < n; i++)
            {
                x[2 * i] = (float)rng.NextDouble();
                x[2 * i + 1] = (float)rng.NextDouble();
                y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5f;
            }
            return (Tensor.FromArray(x, n, 2), Tensor.FromArray(y, n, 1));
        }
        var (tx, ty) = Make(64);
        var (vx, vy) = Make(32);
        return (tx, ty, vx, vy);
    }

    /// <summary>A compiled Dense(1) regression trained by plain SGD.</summary>
    public static Sequential Model(double learningRate = 0.1)
    {
        var model = new Sequential([new Dense(1)]);
        model.Compile(new SGD(learningRate), "mean_squared_error");
        return model;
    }

    /// <summary>
    /// A schedule that learns for <paramref name="goodEpochs"/> epochs and then takes steps far too large for
    /// this problem, so val_loss falls to a minimum and then grows every epoch.
    /// </summary>
    public static LearningRateScheduler DivergeAfter(int goodEpochs) =>
        new((epoch, _) => epoch < goodEpochs ? 0.1 : 2.5);

    /// <summary>Records the weights and logs at the end of every epoch.</summary>
    public static LambdaCallback Recorder(List<IReadOnlyList<Tensor>> weights, List<Dictionary<string, double>> logs, Model model) =>
        new(onEpochEnd: (_, l) =>
        {
            weights.Add(model.GetWeights());
            logs.Add(new Dictionary<string, double>(l));
        });

    public static void AssertSameWeights(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].ToArray(), actual[i].ToArray());
        }
    }

    /// <summary>Index of the smallest value.</summary>
    public static int ArgMin(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] < values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
