using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Training;

/// <summary>
/// Inference on one model from many threads at once returns what a call made alone returns, and
/// Fit on a model others are predicting with waits for them or refuses them, never mixes.
/// </summary>
[Collection("Allocation")]
public class ConcurrentInferenceTests
{
    private const int Threads = 16;
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(1.5);

    /// <summary>A model, its inputs and targets, trained one short epoch so that every weight (and BatchNormalization's statistics) matters.</summary>
    private static (Model Model, Tensor[] X, Tensor[] Y) Create(string kind)
    {
        Config.SetRandomSeed(21);
        const int n = 96;
        var labels = Tensor.FromArray(Enumerable.Range(0, n).Select(i => i * 7 % 5).ToArray(), n);
        Model model;
        Tensor[] x;
        Tensor[] y = [labels];
        switch (kind)
        {
            case "mlp":
                model = new Sequential([new Dense(32, 12, "relu"), new Dropout(0.3), new Dense(5, null, "softmax")]);
                x = [GradCheck.Random(1, -1, 1, n, 12)];
                break;
            case "cnn":
                model = new Sequential(
                [
                    new Conv2D(4, 3, padding: "same", activation: "relu"), new BatchNormalization(), new MaxPooling2D(),
                    new Flatten(), new Dense(5, null, "softmax"),
                ]);
                x = [GradCheck.Random(2, 0, 1, n, 8, 8, 1)];
                break;
            case "lstm":
                var ids = new int[n * 9];
                for (int i = 0; i < n; i++)
                {
                    // Trailing padding of varying length, so Embedding(maskZero)'s mask matters.
                    for (int t = 0; t < 3 + i % 7; t++)
                    {
                        ids[i * 9 + t] = 1 + (i * 13 + t * 5) % 29;
                    }
                }
                model = new Sequential([new Embedding(30, 8, maskZero: true), new LSTM(12), new Dense(5, null, "softmax")]);
                x = [Tensor.FromArray(ids, n, 9)];
                break;
            default:
                var a = Keras.Input([6], name: "a");
                var b = Keras.Input([4], name: "b");
                var h = new Concatenate().Apply([new Dense(16, activation: "relu").Apply(a), new Dense(8, activation: "tanh").Apply(b)]);
                h = new Dropout(0.2).Apply(new LayerNormalization().Apply(h));
                model = new Model([a, b], [new Dense(5, activation: "softmax", name: "cls").Apply(h), new Dense(1, name: "reg").Apply(h)]);
                x = [GradCheck.Random(3, -1, 1, n, 6), GradCheck.Random(4, -1, 1, n, 4)];
                y = [labels, GradCheck.Random(5, -1, 1, n, 1)];
                break;
        }
        if (model.OutputCount == 1)
        {
            model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        }
        else
        {
            model.Compile(new SharpKeras.Optimizers.Adam(), ["sparse_categorical_crossentropy", "mse"], [1.0, 0.5], ["accuracy"]);
        }
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0, seed: 3);
        return (model, x, y);
    }

    /// <summary>One kind of inference call, its result flattened to arrays of floats (or doubles, for Evaluate).</summary>
    private static double[][] Call(Model model, Tensor[] x, Tensor[] y, int kind)
    {
        static double[] D(Tensor t) => [.. t.ToArray().Select(v => (double)v)];
        bool single = model.OutputCount == 1;
        switch (kind)
        {
            case 0:
            case 1:
            case 2:
            case 3:
                int batch = kind switch { 0 => 1, 1 => 7, 2 => 32, _ => 96 };
                return single ? [D(model.Predict(x[0], batch, verbose: 0))] : [.. model.PredictOutputs(x, batch, verbose: 0).Select(D)];
            case 4:
                Tensor[] first = [.. x.Select(t => t.Slice(5, 20))];
                return single ? [D(model.PredictOnBatch(first[0]))] : [.. model.PredictOnBatch(first).Select(D)];
            case 5:
                var result = single ? model.Evaluate(x[0], y[0], batchSize: 16, verbose: 0) : model.Evaluate(x, y, batchSize: 16, verbose: 0);
                return [[.. result.Values.Values], [.. result.Values.Keys.Select(k => (double)k.GetHashCode(StringComparison.Ordinal))]];
            default:
                // The model's own call, eager, outside training.
                Tensor[] few = [.. x.Select(t => t.Slice(40, 10))];
                return single ? [D(model.Apply(few[0]))] : [.. model.CallOutputs(few).Select(D)];
        }
    }

    private const int Kinds = 7;

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("lstm")]
    [InlineData("two_outputs")]
    public void SixteenThreadsGetWhatASerialCallGets(string kind)
    {
        var (model, x, y) = Create(kind);
        var expected = Enumerable.Range(0, Kinds).Select(k => Call(model, x, y, k)).ToArray();
        // Start with no recorded plans: the first calls of each batch shape record theirs at the same time.
        model.InferencePlans.Clear();
        int differences = 0, calls = 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var rng = new Random(t);
            start.SignalAndWait();
            var until = DateTime.UtcNow + RunFor;
            for (int i = 0; i < 2 || DateTime.UtcNow < until; i++)
            {
                int k = (t + i) % 3 == 0 ? rng.Next(Kinds) : (t + i) % Kinds;
                try
                {
                    var actual = Call(model, x, y, k);
                    Interlocked.Increment(ref calls);
                    if (actual.Length != expected[k].Length || actual.Where((a, j) => !a.SequenceEqual(expected[k][j])).Any())
                    {
                        Interlocked.Increment(ref differences);
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.True(errors.IsEmpty, $"{errors.Count} calls threw; first: {errors.FirstOrDefault()}");
        Assert.True(differences == 0, $"{kind}: {differences} of {calls} concurrent calls differed from the serial result");
        Assert.True(calls >= Threads * 2, $"only {calls} calls ran");
    }

    /// <summary>Passes inputs through; during inference it can hold the caller inside the model until released.</summary>
    private sealed class Gate : Layer
    {
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new(true);

        protected override Tensor Call(Tensor inputs, bool training)
        {
            if (!training)
            {
                Entered.Set();
                Release.Wait(TimeSpan.FromSeconds(30));
            }
            return inputs;
        }

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    }

    /// <summary>Signals when an epoch starts and holds Fit there until released.</summary>
    private sealed class HoldEpoch : Callback
    {
        public ManualResetEventSlim Started { get; } = new();
        public ManualResetEventSlim Release { get; } = new();

        public override void OnEpochBegin(int epoch)
        {
            Started.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void FitWaitsForPredictionsInFlight()
    {
        Config.SetRandomSeed(22);
        var gate = new Gate();
        var model = new Sequential([new Dense(8, 6, "relu"), gate, new Dense(3, null, "softmax")]);
        model.Compile("sgd", "sparse_categorical_crossentropy");
        var x = GradCheck.Random(6, -1, 1, 32, 6);
        var y = Tensor.FromArray(Enumerable.Range(0, 32).Select(i => i % 3).ToArray(), 32);
        var expected = model.Apply(x).ToArray();
        gate.Entered.Reset();
        gate.Release.Reset();
        float[]? predicted = null;
        var predictor = new Thread(() => predicted = model.Predict(x, batchSize: 32, verbose: 0).ToArray());
        predictor.Start();
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(30)));
        long fitStarted = 0;
        var trainer = new Thread(() => model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0,
            callbacks: [new LambdaBegin(() => Interlocked.Exchange(ref fitStarted, 1))]));
        trainer.Start();
        // Fit is held back while the prediction is inside the model.
        Assert.False(trainer.Join(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, Interlocked.Read(ref fitStarted));
        gate.Release.Set();
        predictor.Join();
        trainer.Join();
        Assert.Equal(1, Interlocked.Read(ref fitStarted));
        // The prediction saw the weights from before training, all of them.
        Assert.Equal(expected, predicted);
        Assert.NotEqual(expected, model.Predict(x, verbose: 0).ToArray());
    }

    [Fact]
    public void PredictWhileFitRunsOnAnotherThreadFailsClearly()
    {
        Config.SetRandomSeed(23);
        var model = new Sequential([new Dense(8, 6, "relu"), new Dense(3, null, "softmax")]);
        model.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        var x = GradCheck.Random(7, -1, 1, 32, 6);
        var y = Tensor.FromArray(Enumerable.Range(0, 32).Select(i => i % 3).ToArray(), 32);
        var hold = new HoldEpoch();
        var trainer = new Thread(() => model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, callbacks: [hold]));
        trainer.Start();
        Assert.True(hold.Started.Wait(TimeSpan.FromSeconds(30)));
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => model.Predict(x, verbose: 0));
            Assert.Contains("Fit()", e.Message);
            Assert.Contains(model.Name, e.Message);
            Assert.Contains("another thread", e.Message);
            Assert.Throws<InvalidOperationException>(() => model.Evaluate(x, y, verbose: 0));
            Assert.Throws<InvalidOperationException>(() => model.PredictOnBatch(x));
            // The model's own call outside training too: it would read weights in the middle of an update.
            Assert.Contains("Call()", Assert.Throws<InvalidOperationException>(() => model.Apply(x)).Message);
            Assert.Contains("already training", Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, verbose: 0)).Message);
        }
        finally
        {
            hold.Release.Set();
            trainer.Join();
        }
        // Once Fit has returned, predicting works again, from any thread.
        Assert.Equal(new Shape(32, 3), model.Predict(x, verbose: 0).Shape);
    }

    /// <summary>Runs an action when training begins.</summary>
    private sealed class LambdaBegin(Action action) : Callback
    {
        public override void OnTrainBegin() => action();
    }
}
