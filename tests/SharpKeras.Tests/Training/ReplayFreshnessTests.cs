using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Tests.Models;

namespace SharpKeras.Tests.Training;

/// <summary>
/// A replayed step (Fit's, Predict's) must read each batch's values wherever the C# of the first call computed from the data.
/// A layer that casts its float inputs to integer ids and looks them up (keras-io's TokenAndPositionEmbedding reads
/// <c>ops.cast(x, "int32")</c> this way) must see each batch's ids in a replayed step and a replayed Predict. Before the
/// cast to integers was a recorded op, the replay kept the first batch's ids, and such a model did not learn.
/// </summary>
public class ReplayFreshnessTests
{
    private const int Samples = 48, Length = 10, Vocab = 300;

    /// <summary>Casts float ids to int32, through the recorded op or on the host, then embeds them.</summary>
    private sealed class CastEmbedding : Layer
    {
        private readonly Embedding _embedding;
        private readonly bool _hostCast;

        public CastEmbedding(bool hostCast)
        {
            _embedding = Track(new Embedding(inputDim: Vocab, outputDim: 4));
            _hostCast = hostCast;
        }

        protected override Tensor Call(Tensor inputs, bool training)
        {
            var ids = _hostCast ? inputs.Cast(DType.Int32) : Ops.Cast(inputs, DType.Int32);
            return _embedding.Apply(ids, training);
        }

        public override Shape ComputeOutputShape(Shape inputShape) => new([.. inputShape.Dims, 4]);
    }

    private static (Tensor X, Tensor Y) Data()
    {
        var rng = new Random(11);
        var x = new float[Samples * Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.Next(Vocab);
        }
        var y = new float[Samples];
        for (int i = 0; i < Samples; i++)
        {
            y[i] = rng.Next(2);
        }
        return (Tensor.FromArray(x, [Samples, Length]), Tensor.FromArray(y, [Samples]));
    }

    private static Sequential Build(bool hostCast, bool runEagerly)
    {
        Config.SetRandomSeed(3);
        var model = new Sequential([
            new CastEmbedding(hostCast), new GlobalAveragePooling1D(), new Dense(2, activation: "softmax"),
        ]);
        model.Compile(new Adam(0.05), "sparse_categorical_crossentropy", runEagerly: runEagerly);
        return model;
    }

    private static float[][] TrainedWeights(bool hostCast, bool runEagerly, out double lastLoss)
    {
        var (x, y) = Data();
        var model = Build(hostCast, runEagerly);
        var history = model.Fit(x, y, batchSize: 8, epochs: 3, shuffle: false, verbose: 0);
        lastLoss = history["loss"][^1];
        return [.. model.Weights.Select(w => w.Numpy().ToArray())];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReplayedFitSeesEachBatchsCastIds(bool hostCast)
    {
        var replayed = TrainedWeights(hostCast, runEagerly: false, out double replayedLoss);
        var eager = TrainedWeights(hostCast, runEagerly: true, out double eagerLoss);
        AssertSameWeights(eager, replayed, "cast ids");
        Assert.Equal(eagerLoss, replayedLoss, 5);
        // With a large learning rate, 48 samples of 10 random ids are memorised: the loss falls well below ln 2.
        Assert.True(replayedLoss < 0.5, $"loss after 3 epochs {replayedLoss} (ln 2 = 0.693): the ids did not reach the embedding");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReplayedPredictSeesEachBatchsCastIds(bool hostCast)
    {
        var (x, _) = Data();
        var model = Build(hostCast, runEagerly: false);
        var batched = model.Predict(x, batchSize: 8, verbose: 0).ToArray();
        for (int s = 0; s < Samples; s += 7)
        {
            var one = model.Predict(Ops.Slice(x, [s, 0], [1, Length]), verbose: 0).ToArray();
            Assert.Equal(one[0], batched[s * 2], 5);
            Assert.Equal(one[1], batched[s * 2 + 1], 5);
        }
    }

    /// <summary>
    /// keras-refs2's masked encoder (Embedding mask_zero, not_equal and logical_or nodes, masked attention and pooling):
    /// each batch pads differently, so a replay that kept the first batch's masks would train other weights than eager.
    /// </summary>
    [Refs2Fact]
    public void ReplayedFitReadsEachBatchsMasks()
    {
        var file = Path.Combine(SharpKeras.Tests.Saving.KerasOptimizerFileTests.s_dir!, "attention_masked.keras");
        var rng = new Random(5);
        var x = new int[16 * 12];
        var y = new float[16];
        for (int s = 0; s < 16; s++)
        {
            int length = 1 + rng.Next(12);
            for (int t = 0; t < length; t++)
            {
                x[s * 12 + t] = 1 + rng.Next(39);
            }
            y[s] = rng.Next(3);
        }
        float[][] Train(bool runEagerly)
        {
            var model = Model.Load(file);
            model.Compile(new SGD(0.5), "sparse_categorical_crossentropy", runEagerly: runEagerly);
            model.Fit(Tensor.FromArray(x, [16, 12]), Tensor.FromArray(y, [16]), batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
            return [.. model.Weights.Select(w => w.Numpy().ToArray())];
        }
        var replayed = Train(runEagerly: false);
        var eager = Train(runEagerly: true);
        // And it is replayed, not recorded afresh each step: its steps allocate far less than eager ones.
        long Bytes(bool runEagerly)
        {
            var model = Model.Load(file);
            model.Compile(new SGD(0.5), "sparse_categorical_crossentropy", runEagerly: runEagerly);
            var (xt, yt) = (Tensor.FromArray(x, [16, 12]), Tensor.FromArray(y, [16]));
            model.Fit(xt, yt, batchSize: 4, epochs: 1, shuffle: false, verbose: 0);
            long start = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(xt, yt, batchSize: 4, epochs: 4, shuffle: false, verbose: 0);
            return GC.GetAllocatedBytesForCurrentThread() - start;
        }
        long replayedBytes = Bytes(runEagerly: false), eagerBytes = Bytes(runEagerly: true);
        Assert.True(replayedBytes * 4 < eagerBytes, $"16 replayed steps allocated {replayedBytes} B against {eagerBytes} B eager: the masked model is not replayed");
        AssertSameWeights(eager, replayed, "attention_masked");
    }

    /// <summary>The masks Embedding(maskZero) and Masking write beside their outputs, read by a masked mean and an LSTM.</summary>
    [Theory]
    [InlineData("embedding")]
    [InlineData("masking")]
    public void ReplayedFitReadsEachBatchsLayerMasks(string kind)
    {
        var rng = new Random(9);
        var ids = new float[16 * 12];
        var y = new float[16];
        for (int s = 0; s < 16; s++)
        {
            int length = 1 + rng.Next(12);
            for (int t = 0; t < length; t++)
            {
                ids[s * 12 + t] = 1 + rng.Next(39);
            }
            y[s] = rng.Next(3);
        }
        Model Make(bool runEagerly)
        {
            Config.SetRandomSeed(4);
            Model model = kind == "embedding"
                ? new Sequential([new Embedding(40, 6, maskZero: true), new GlobalAveragePooling1D(), new Dense(3, activation: "softmax")])
                : new Sequential([new Masking(0.0), new LSTM(5), new Dense(3, activation: "softmax")]);
            model.Compile(new SGD(0.5), "sparse_categorical_crossentropy", runEagerly: runEagerly);
            return model;
        }
        var x = kind == "embedding" ? Tensor.FromArray(ids, [16, 12]) : Tensor.FromArray(ids, [16, 12, 1]);
        var yt = Tensor.FromArray(y, [16]);
        float[][] Train(bool runEagerly)
        {
            var model = Make(runEagerly);
            model.Fit(x, yt, batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
            return [.. model.Weights.Select(w => w.Numpy().ToArray())];
        }
        var replayed = Train(runEagerly: false);
        var eager = Train(runEagerly: true);
        AssertSameWeights(eager, replayed, kind);
    }

    /// <summary>Eager and replayed training ended on the same weights, element by element, to 1e-5.</summary>
    private static void AssertSameWeights(float[][] eager, float[][] replayed, string what)
    {
        Assert.Equal(eager.Length, replayed.Length);
        for (int w = 0; w < eager.Length; w++)
        {
            for (int i = 0; i < eager[w].Length; i++)
            {
                Assert.True(Math.Abs(eager[w][i] - replayed[w][i]) <= 1e-5f,
                    $"{what}: weight {w} element {i}: eager {eager[w][i]} against replayed {replayed[w][i]}");
            }
        }
    }
}
