using System.Collections.Concurrent;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Tests.Backend;

namespace SharpKeras.Tests.Training;

/// <summary>
/// Predict over arrays at 2 threads shares whole batches out among the threads: the floats are those of
/// 1 thread (a partial last batch, several inputs and outputs, BatchNormalization and masking included),
/// a subclass's PredictStep still runs once per batch in order, and a cancellation still stops it.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ConcurrentPredictTests
{
    // Enough batches that the caller's own share outlasts a sleeping worker's wake-up (tens of microseconds).
    private const int Samples = 401, BatchSize = 2;

    public static TheoryData<string> Kinds() => new() { "mlp", "cnn", "lstm", "functional" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TwoThreadsGiveTheFloatsOfOne(string kind)
    {
        int saved = Config.Threads;
        try
        {
            var (model, x, recorder) = Create(kind);
            Config.Threads = 1;
            var one = Outputs(model.PredictOutputs(x, batchSize: BatchSize, verbose: 0));
            Config.Threads = 2;
            // The first batch's plan was recorded on this thread; a plan recorded on another shows that the batches were shared out.
            // A worker that has not woken when the caller finishes its own share leaves its share to the caller, so allow a few tries.
            for (int attempt = 0; attempt < 50 && recorder.Threads.Count < 2; attempt++)
            {
                // Without idle plans, a thread's first batch records one (and meets the recorder).
                model.InferencePlans.Clear();
                var two = Outputs(model.PredictOutputs(x, batchSize: BatchSize, verbose: 0));
                for (int k = 0; k < one.Length; k++)
                {
                    Assert.Equal(one[k].Length, two[k].Length);
                    for (int i = 0; i < one[k].Length; i++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(one[k][i]) == BitConverter.SingleToInt32Bits(two[k][i]),
                            $"{kind}: output {k} element {i} is {two[k][i]:R} at 2 threads, {one[k][i]:R} at 1");
                    }
                }
            }
            Assert.True(recorder.Threads.Count >= 2, $"{kind}: every batch ran on one thread");
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    [Fact]
    public void ASubclassesPredictStepRunsForEveryBatchInOrder()
    {
        int saved = Config.Threads;
        try
        {
            Config.Threads = 2;
            Config.SetRandomSeed(3);
            var inputs = Keras.Input([5]);
            var model = new CountingModel(inputs, new Dense(3).Apply(inputs));
            var y = model.Predict(GradCheck.Random(1, -1, 1, Samples, 5), batchSize: BatchSize, verbose: 0);
            Assert.Equal([Samples, 3], y.Shape.ToArray());
            Assert.Equal(Enumerable.Range(0, (Samples + BatchSize - 1) / BatchSize).Select(b => b * BatchSize), model.Starts);
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    [Fact]
    public void ACancellationStopsTheSharedBatches()
    {
        int saved = Config.Threads;
        try
        {
            Config.Threads = 2;
            using var cts = new CancellationTokenSource();
            // The second plan is recorded only once the batches are shared out (or for the partial last batch): cancel there.
            var recorder = new ThreadRecorder(() => cts.Cancel(), cancelOnCall: 2);
            var model = new Sequential([recorder, new Dense(4)]);
            Assert.ThrowsAny<OperationCanceledException>(() =>
                model.Predict(GradCheck.Random(1, -1, 1, Samples, 6), batchSize: BatchSize, verbose: 0, cancellationToken: cts.Token));
        }
        finally
        {
            Config.Threads = saved;
        }
    }

    private static float[][] Outputs(IReadOnlyList<Tensor> ys) => [.. ys.Select(y => y.ToArray())];

    /// <summary>A small trained-shape model of the kind, its inputs, and the layer that records which threads recorded plans.</summary>
    private static (Model Model, Tensor[] X, ThreadRecorder Recorder) Create(string kind)
    {
        Config.SetRandomSeed(17);
        var recorder = new ThreadRecorder();
        switch (kind)
        {
            case "mlp":
                return (new Sequential([recorder, new Dense(256, activation: "relu"), new Dropout(0.3), new Dense(5, activation: "softmax")]),
                    [GradCheck.Random(1, -1, 1, Samples, 12)], recorder);
            case "cnn":
            {
                var model = new Sequential(
                [
                    recorder, new Conv2D(8, 3, padding: "same", activation: "relu"), new BatchNormalization(), new MaxPooling2D(),
                    new Flatten(), new Dense(5, activation: "softmax"),
                ]);
                var x = GradCheck.Random(2, 0, 1, Samples, 12, 12, 1);
                // Moving statistics other than the initial ones, so that BatchNormalization's inference form matters.
                model.Compile("adam", "sparse_categorical_crossentropy");
                model.Fit(x, Tensor.FromArray(Enumerable.Range(0, Samples).Select(i => i % 5).ToArray(), Samples), batchSize: 16, epochs: 1, verbose: 0);
                return (model, [x], recorder);
            }
            case "lstm":
            {
                var ids = new int[Samples * 9];
                for (int i = 0; i < Samples; i++)
                {
                    // Trailing padding of varying length, so Embedding(maskZero)'s mask matters.
                    for (int t = 0; t < 3 + i % 7; t++)
                    {
                        ids[i * 9 + t] = 1 + (i * 13 + t * 5) % 29;
                    }
                }
                return (new Sequential([new Embedding(30, 8, maskZero: true), recorder, new LSTM(12), new Dense(5, activation: "softmax")]),
                    [Tensor.FromArray(ids, Samples, 9)], recorder);
            }
            default:
            {
                var a = Keras.Input([6], name: "a");
                var b = Keras.Input([4], name: "b");
                var h = new Concatenate().Apply([new Dense(16, activation: "relu").Apply(recorder.Apply(a)), new Dense(8, activation: "tanh").Apply(b)]);
                var model = new Model([a, b], [new Dense(5, activation: "softmax").Apply(h), new Dense(1).Apply(h)]);
                return (model, [GradCheck.Random(3, -1, 1, Samples, 6), GradCheck.Random(4, -1, 1, Samples, 4)], recorder);
            }
        }
    }

    /// <summary>Passes inputs through and notes the thread of every inference call (each records a plan); may run an action on the n-th.</summary>
    private sealed class ThreadRecorder(Action? action = null, int cancelOnCall = 0) : Layer
    {
        private int _calls;

        public ConcurrentDictionary<int, bool> Threads { get; } = new();

        protected override Tensor Call(Tensor inputs, bool training)
        {
            if (!training)
            {
                Threads[Environment.CurrentManagedThreadId] = true;
                if (Interlocked.Increment(ref _calls) == cancelOnCall)
                {
                    action?.Invoke();
                }
            }
            return inputs;
        }

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    }

    /// <summary>A functional model whose PredictStep notes each batch's first row before the built-in step.</summary>
    private sealed class CountingModel(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        public List<int> Starts { get; } = [];

        public override IReadOnlyList<Tensor> PredictStep(StepData data)
        {
            Starts.Add(data.Start);
            return base.PredictStep(data);
        }
    }
}
