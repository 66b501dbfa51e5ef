using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Tests.Training;

/// <summary>
/// A layer that casts its float inputs to integer ids and looks them up (keras-io's TokenAndPositionEmbedding reads
/// <c>ops.cast(x, "int32")</c> this way) must see each batch's ids in a replayed step and a replayed Predict. Before the
/// cast to integers was a recorded op, the replay kept the first batch's ids, and such a model did not learn.
/// </summary>
public class CastReplayTests
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
        Assert.Equal(eager.Length, replayed.Length);
        for (int w = 0; w < eager.Length; w++)
        {
            for (int i = 0; i < eager[w].Length; i++)
            {
                Assert.True(Math.Abs(eager[w][i] - replayed[w][i]) <= 1e-5f,
                    $"weight {w} element {i}: eager {eager[w][i]} against replayed {replayed[w][i]}");
            }
        }
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
}
