using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Training;

namespace SharpKeras.Tests.Callbacks;

/// <summary>The order in which Fit, Evaluate and Predict call the hooks, and the logs each gets, as Keras's trainer calls them.</summary>
public sealed class CallbackHookTests
{
    /// <summary>Writes every hook call as Keras's method name, with the sorted log keys where there are logs.</summary>
    private sealed class Recorder : Callback
    {
        public List<string> Calls { get; } = [];

        public List<IReadOnlyList<Tensor>> PredictOutputs { get; } = [];

        private static string Keys(IReadOnlyDictionary<string, double> logs) => string.Join(",", logs.Keys.Order());

        public override void OnTrainBegin() => Calls.Add("on_train_begin");

        public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => Calls.Add($"on_train_end[{Keys(logs)}]");

        public override void OnEpochBegin(int epoch) => Calls.Add($"on_epoch_begin({epoch})");

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => Calls.Add($"on_epoch_end({epoch})[{Keys(logs)}]");

        public override void OnTrainBatchBegin(int batch) => Calls.Add($"on_train_batch_begin({batch})");

        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => Calls.Add($"on_train_batch_end({batch})[{Keys(logs)}]");

        public override void OnTestBegin() => Calls.Add("on_test_begin");

        public override void OnTestEnd(IReadOnlyDictionary<string, double> logs) => Calls.Add($"on_test_end[{Keys(logs)}]");

        public override void OnTestBatchBegin(int batch) => Calls.Add($"on_test_batch_begin({batch})");

        public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => Calls.Add($"on_test_batch_end({batch})[{Keys(logs)}]");

        public override void OnPredictBegin() => Calls.Add("on_predict_begin");

        public override void OnPredictEnd() => Calls.Add("on_predict_end");

        public override void OnPredictBatchBegin(int batch) => Calls.Add($"on_predict_batch_begin({batch})");

        public override void OnPredictBatchEnd(int batch, IReadOnlyList<Tensor> outputs)
        {
            Calls.Add($"on_predict_batch_end({batch})");
            PredictOutputs.Add([.. outputs.Select(o => o.Clone())]);
        }
    }

    private static Sequential Compiled()
    {
        var model = new Sequential([Keras.Input([2]), new Dense(3, activation: "softmax")]);
        model.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        return model;
    }

    private static (Tensor X, Tensor Y) Data(int n)
    {
        var x = GradCheck.Random(3, -1, 1, n, 2);
        return (x, Tensor.FromArray(Enumerable.Range(0, n).Select(i => i % 3).ToArray()));
    }

    [Fact]
    public void FitCallsTheHooksInKerasOrderWithKerasLogs()
    {
        var (x, y) = Data(20);
        var (vx, vy) = Data(6);
        var r = new Recorder();
        Compiled().Fit(x, y, batchSize: 10, epochs: 2, verbose: 0, validationData: (vx, vy), callbacks: [r]);
        // keras/src/backend/torch/trainer.py fit(): validation runs evaluate() with the same callbacks before on_epoch_end.
        string[] epoch(int e) =>
        [
            $"on_epoch_begin({e})",
            "on_train_batch_begin(0)", "on_train_batch_end(0)[accuracy,loss]",
            "on_train_batch_begin(1)", "on_train_batch_end(1)[accuracy,loss]",
            "on_test_begin", "on_test_batch_begin(0)", "on_test_batch_end(0)[accuracy,loss]", "on_test_end[accuracy,loss]",
            $"on_epoch_end({e})[accuracy,loss,val_accuracy,val_loss]",
        ];
        Assert.Equal(["on_train_begin", .. epoch(0), .. epoch(1), "on_train_end[accuracy,loss,val_accuracy,val_loss]"], r.Calls);
        Assert.Equal(new TrainingParams(2, 2, 0), r.Params);
    }

    [Fact]
    public void EvaluateAndPredictCallTheTestAndPredictHooks()
    {
        var model = Compiled();
        var (x, y) = Data(25);
        var r = new Recorder();
        var result = model.Evaluate(x, y, batchSize: 10, verbose: 0, callbacks: [r]);
        Assert.Equal(
        [
            "on_test_begin",
            "on_test_batch_begin(0)", "on_test_batch_end(0)[accuracy,loss]",
            "on_test_batch_begin(1)", "on_test_batch_end(1)[accuracy,loss]",
            "on_test_batch_begin(2)", "on_test_batch_end(2)[accuracy,loss]",
            "on_test_end[accuracy,loss]",
        ], r.Calls);
        Assert.Same(model, r.Model);
        Assert.Equal(new TrainingParams(1, 3, 0), r.Params);

        r.Calls.Clear();
        var predictions = model.Predict(x, batchSize: 10, verbose: 0, callbacks: [r]);
        Assert.Equal(
        [
            "on_predict_begin",
            "on_predict_batch_begin(0)", "on_predict_batch_end(0)",
            "on_predict_batch_begin(1)", "on_predict_batch_end(1)",
            "on_predict_batch_begin(2)", "on_predict_batch_end(2)",
            "on_predict_end",
        ], r.Calls);
        // Each on_predict_batch_end gets that batch's outputs: together they are the prediction.
        Assert.Equal([10, 10, 5], r.PredictOutputs.Select(o => o[0].Shape[0]));
        Assert.Equal(predictions.ToArray(), r.PredictOutputs.SelectMany(o => o[0].ToArray()));
        _ = result;
    }

    [Fact]
    public void StopTrainingEndsTheEpochAfterTheBatchAsKeras()
    {
        var (x, y) = Data(40);
        var model = Compiled();
        var r = new Recorder();
        var stop = new LambdaCallback(onTrainBatchEnd: (b, _) => model.StopTraining = b == 1);
        var history = model.Fit(x, y, batchSize: 10, epochs: 3, verbose: 0, callbacks: [stop, r]);
        Assert.Equal(
        [
            "on_train_begin", "on_epoch_begin(0)",
            "on_train_batch_begin(0)", "on_train_batch_end(0)[accuracy,loss]",
            "on_train_batch_begin(1)", "on_train_batch_end(1)[accuracy,loss]",
            "on_epoch_end(0)[accuracy,loss]", "on_train_end[accuracy,loss]",
        ], r.Calls);
        Assert.Single(history["loss"]);
    }

    [Fact]
    public void TheDefaultNaNCheckThrowsAndCanBeTurnedOff()
    {
        var (x, y, _, _) = CallbackFixtures.Data();
        var bad = x.ToArray();
        bad[2 * 20] = float.NaN;
        var xBad = Tensor.FromArray(bad, 64, 2);
        var e = Assert.Throws<NonFiniteLossException>(() => CallbackFixtures.Model().Fit(xBad, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false));
        Assert.Equal((1, 2), (e.Epoch, e.Batch));
        Assert.Contains("epoch 1, batch 2", e.Message);
        var raising = Assert.Throws<NonFiniteLossException>(() =>
            CallbackFixtures.Model().Fit(xBad, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false, callbacks: [new TerminateOnNaN(raiseError: true)]));
        Assert.Equal(2, raising.Batch);
        // Disabled: Keras's behaviour without the callback, every epoch runs (the NaN batch updates nothing).
        var model = CallbackFixtures.Model();
        var history = model.Fit(xBad, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false, callbacks: [TerminateOnNaN.Disabled]);
        Assert.Equal(2, history["loss"].Count);
        Assert.All(model.GetWeights(), w => Assert.All(w.ToArray(), v => Assert.True(float.IsFinite(v))));
    }
}
