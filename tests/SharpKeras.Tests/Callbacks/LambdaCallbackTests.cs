using SharpKeras.Callbacks;

namespace SharpKeras.Tests.Callbacks;

public class LambdaCallbackTests
{
    [Fact]
    public void HooksRunInKerasOrderWithKerasLogs()
    {
        var (x, y, vx, vy) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        var events = new List<string>();
        IReadOnlyDictionary<string, double>? testEnd = null;
        var history = model.Fit(x.Slice(0, 32), y.Slice(0, 32), batchSize: 16, epochs: 2, verbose: 0, validationData: (vx, vy), callbacks:
        [
            new LambdaCallback(
                onTrainBegin: () => events.Add("train_begin"),
                onTrainEnd: l => events.Add($"train_end:{string.Join(",", l.Keys)}"),
                onEpochBegin: e => events.Add($"epoch_begin {e}"),
                onEpochEnd: (e, l) => events.Add($"epoch_end {e}:{string.Join(",", l.Keys)}"),
                onTrainBatchBegin: b => events.Add($"batch_begin {b}"),
                onTrainBatchEnd: (b, l) => events.Add($"batch_end {b}:{string.Join(",", l.Keys)}"),
                onTestBegin: () => events.Add("test_begin"),
                onTestEnd: l => { testEnd = new Dictionary<string, double>(l); events.Add($"test_end:{string.Join(",", l.Keys)}"); },
                onTestBatchBegin: b => events.Add($"test_batch_begin {b}"),
                onTestBatchEnd: (b, l) => events.Add($"test_batch_end {b}:{string.Join(",", l.Keys)}")),
        ]);
        string[] epoch(int e) =>
        [
            $"epoch_begin {e}", "batch_begin 0", "batch_end 0:loss", "batch_begin 1", "batch_end 1:loss",
            "test_begin", "test_batch_begin 0", "test_batch_end 0:loss", "test_batch_begin 1", "test_batch_end 1:loss", "test_end:loss",
            $"epoch_end {e}:loss,val_loss",
        ];
        Assert.Equal(["train_begin", .. epoch(0), .. epoch(1), "train_end:loss,val_loss"], events);
        // on_test_end gets the validation results without the val_ prefix.
        Assert.Equal(history["val_loss"][^1], testEnd!["loss"]);
    }
}
