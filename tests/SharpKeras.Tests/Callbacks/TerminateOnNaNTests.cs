using SharpKeras.Callbacks;
using SharpKeras.Training;

namespace SharpKeras.Tests.Callbacks;

public class TerminateOnNaNTests
{
    [Fact]
    public void StopsAfterTheFirstNonFiniteBatchInsteadOfThrowing()
    {
        var (x, y, _, _) = CallbackFixtures.Data();
        var bad = x.ToArray();
        bad[2 * 20] = float.NaN; // sample 20 lies in the second batch of 16
        var xBad = Tensor.FromArray(bad, 64, 2);
        var model = CallbackFixtures.Model();
        int batches = 0;
        var history = model.Fit(xBad, y, batchSize: 16, epochs: 3, verbose: 0, shuffle: false,
            callbacks: [new TerminateOnNaN(), new LambdaCallback(onTrainBatchEnd: (_, _) => batches++)]);
        Assert.Equal(2, batches);
        Assert.True(model.StopTraining);
        Assert.Single(history["loss"]);
        Assert.True(double.IsNaN(history["loss"][0]));

        var e = Assert.Throws<NonFiniteLossException>(() => CallbackFixtures.Model().Fit(xBad, y, batchSize: 16, epochs: 1, verbose: 0, shuffle: false));
        Assert.Equal(2, e.Batch);
    }
}
