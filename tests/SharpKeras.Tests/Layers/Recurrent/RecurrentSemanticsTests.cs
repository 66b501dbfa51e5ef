using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Layers.Recurrent;

/// <summary>Keras's recurrent semantics: masks, go_backwards, states, dropout, wrappers, user cells.</summary>
public class RecurrentSemanticsTests
{
    private static void Close(float[] expected, float[] actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static float[] Row(Tensor t, int b)
    {
        int n = t.Length / t.Shape[0];
        return t.ToArray().AsSpan(b * n, n).ToArray();
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("simple_rnn")]
    [InlineData("gru_reset_before")]
    public void TrailingPaddingIsIgnoredAsIfTheSequenceWereShorter(string kind)
    {
        var layer = RecurrentGradientTests.Make(kind, returnSequences: true);
        var x = GradCheck.Random(3, -1f, 1f, 1, 5, 3);
        layer.EnsureBuilt(x.Shape);
        RecurrentGradientTests.Randomize(layer, 5);
        var shortX = Tensor.FromArray(x.ToArray()[..9], 1, 3, 3);
        var expected = layer.Apply(shortX).ToArray();
        x.KerasMask = Tensor.FromArray(new float[] { 1, 1, 1, 0, 0 }, 1, 5);
        var (seq, states) = layer.Apply(x, null);
        var y = seq.ToArray();
        Close(expected, y[..12]);
        // Keras's default (zero_output_for_mask=False): a masked step repeats the previous output.
        Close(expected[8..12], y[12..16]);
        Close(expected[8..12], y[16..20]);
        Close(expected[8..12], states[0].ToArray());
        Assert.Same(x.KerasMask, seq.KerasMask);
    }

    [Fact]
    public void GoBackwardsReadsTheReversedSequenceAndReturnsOutputsInProcessingOrder()
    {
        var forward = new LSTM(4, returnSequences: true);
        var backward = new LSTM(4, returnSequences: true, goBackwards: true);
        var x = GradCheck.Random(4, -1f, 1f, 2, 5, 3);
        forward.EnsureBuilt(x.Shape);
        backward.EnsureBuilt(x.Shape);
        RecurrentGradientTests.Randomize(forward, 9);
        RecurrentGradientTests.Randomize(backward, 9);
        Close(forward.Apply(Ops.ReverseTime(x)).ToArray(), backward.Apply(x).ToArray());
    }

    [Fact]
    public void BidirectionalZeroesMaskedStepsOfSequences()
    {
        var bi = new Bidirectional(new GRU(3, returnSequences: true));
        var x = GradCheck.Random(6, -1f, 1f, 1, 4, 2);
        x.KerasMask = Tensor.FromArray(new float[] { 1, 1, 0, 0 }, 1, 4);
        var y = bi.Apply(x);
        Assert.Equal(new Shape(1, 4, 6), y.Shape);
        Assert.All(y.ToArray()[12..], v => Assert.Equal(0f, v));
        Assert.Contains(y.ToArray()[..12], v => v != 0f);
        Assert.Equal(2 * bi.ForwardLayer.CountParams(), bi.CountParams());
        Assert.True(bi.ForwardLayer.ZeroOutputForMask && bi.BackwardLayer.GoBackwards);
    }

    [Fact]
    public void BidirectionalSplitsInitialStatesAndReturnsEachDirectionsStates()
    {
        // Keras: initial_state's first half starts the forward layer, the second half the backward one;
        // return_state gives [output, forward h, forward c, backward h, backward c].
        var bi = new Bidirectional(new LSTM(3));
        var x = GradCheck.Random(11, -1f, 1f, 2, 4, 2);
        Tensor[] init = [.. Enumerable.Range(0, 4).Select(i => GradCheck.Random(20 + i, -1f, 1f, 2, 3))];
        var (y, forwardStates, backwardStates) = bi.Apply(x, init);
        Assert.Equal(new Shape(2, 6), y.Shape);
        Assert.Equal(2, forwardStates.Length);
        Assert.Equal(2, backwardStates.Length);
        // Each direction's final h is its last output: the two halves of the concatenated output.
        var ys = y.ToArray();
        for (int b = 0; b < 2; b++)
        {
            Close(ys[(b * 6)..(b * 6 + 3)], Row(forwardStates[0], b));
            Close(ys[(b * 6 + 3)..(b * 6 + 6)], Row(backwardStates[0], b));
        }
        // The states reached the right layers: each matches that layer run alone from its half.
        var (_, alone) = bi.BackwardLayer.Apply(x, init[2..]);
        Close(alone[1].ToArray(), backwardStates[1].ToArray());
        var (fromZero, _, _) = bi.Apply(x, null);
        Close(bi.Apply(x).ToArray(), fromZero.ToArray());
        Assert.NotEqual(fromZero.ToArray(), ys);
        var e = Assert.Throws<ArgumentException>(() => bi.Apply(x, init[..2]));
        Assert.Contains(bi.Name, e.Message);
        Assert.Contains("expects 4 initial states", e.Message);
    }

    [Fact]
    public void InitialStatesAreUsedAndReturnedStatesAreTheLastOnes()
    {
        var lstm = new LSTM(3, returnSequences: true, returnState: true);
        var x = GradCheck.Random(7, -1f, 1f, 2, 4, 2);
        var (y0, s0) = lstm.Apply(x, null);
        var h = GradCheck.Random(8, -1f, 1f, 2, 3);
        var c = GradCheck.Random(9, -1f, 1f, 2, 3);
        var (y1, s1) = lstm.Apply(x, [h, c]);
        Assert.NotEqual(y0.ToArray(), y1.ToArray());
        Assert.Equal(2, s1.Length);
        Close(Row(y1.Reshape(2, 12), 1)[9..], Row(s1[0], 1));
        Assert.Equal(new Shape(2, 3), s1[1].Shape);
        Assert.Equal(new Shape(2, 3), s0[0].Shape);
    }

    [Fact]
    public void DropoutActsOnlyInTrainingWithFreshMasks()
    {
        var plain = new LSTM(4, returnSequences: true);
        var dropped = new LSTM(4, dropout: 0.5, recurrentDropout: 0.5, returnSequences: true, seed: 3);
        var x = GradCheck.Random(10, -1f, 1f, 2, 5, 3);
        plain.EnsureBuilt(x.Shape);
        dropped.EnsureBuilt(x.Shape);
        RecurrentGradientTests.Randomize(plain, 12);
        RecurrentGradientTests.Randomize(dropped, 12);
        Close(plain.Apply(x).ToArray(), dropped.Apply(x).ToArray());
        var t1 = dropped.Apply(x, training: true).ToArray();
        var t2 = dropped.Apply(x, training: true).ToArray();
        Assert.NotEqual(plain.Apply(x).ToArray(), t1);
        Assert.NotEqual(t1, t2);
    }

    [Fact]
    public void TimeDistributedAppliesTheLayerToEveryStep()
    {
        var dense = new Dense(2, activation: "tanh");
        var td = new TimeDistributed(dense);
        var x = GradCheck.Random(11, -1f, 1f, 2, 3, 4);
        var y = td.Apply(x);
        Assert.Equal(new Shape(2, 3, 2), y.Shape);
        Assert.Equal(new Shape(-1, 3, 2), td.ComputeOutputShape(new Shape(-1, 3, 4)));
        Close(dense.Apply(x.Reshape(6, 4)).ToArray(), y.ToArray());
        Assert.Equal(10, td.CountParams());
        x.KerasMask = Tensor.Ones(new Shape(2, 3));
        Assert.Same(x.KerasMask, td.Apply(x).KerasMask);
    }

    [Fact]
    public void RepeatVectorRepeatsAlongANewTimeAxis()
    {
        var y = new RepeatVector(3).Apply(Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2));
        Assert.Equal(new Shape(2, 3, 2), y.Shape);
        Assert.Equal(new float[] { 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4 }, y.ToArray());
    }

    [Fact]
    public void EmbeddingLooksRowsUpAndMasksZeros()
    {
        var emb = new Embedding(4, 2, embeddingsInitializer: "zeros", maskZero: true);
        emb.EnsureBuilt(new Shape(1, 3));
        emb.Embeddings!.Assign(Tensor.FromArray(new float[] { 0, 0, 1, 2, 3, 4, 5, 6 }, 4, 2));
        var y = emb.Apply(Tensor.FromArray(new[] { 2, 0, 3 }, 1, 3));
        Assert.Equal(new float[] { 3, 4, 0, 0, 5, 6 }, y.ToArray());
        Assert.Equal(new float[] { 1, 0, 1 }, y.KerasMask!.ToArray());
        Assert.Null(new Embedding(4, 2).Apply(Tensor.FromArray(new[] { 1 }, 1, 1)).KerasMask);
    }

    /// <summary>A user cell: h = tanh(x W + h_prev) (no recurrent kernel), written with ordinary ops.</summary>
    private sealed class LeakyCell(int units) : RecurrentCell(units, null)
    {
        private Variable? _kernel;

        public override IReadOnlyList<int> StateSize => [Units];

        protected override void Build(Shape inputShape) =>
            _kernel = AddWeight("kernel", new Shape(inputShape[-1], Units), new SharpKeras.Initializers.GlorotUniform(seed: 1));

        public override (Tensor Output, Tensor[] States) Step(Tensor input, IReadOnlyList<Tensor> states, bool training)
        {
            var h = Ops.Tanh(Ops.Add(Ops.MatMul(input, _kernel!.Value), states[0]));
            return (h, [h]);
        }
    }

    [Fact]
    public void AUserCellRunsInTheGenericRnnAndTrains()
    {
        var layer = new RNN(new LeakyCell(3), returnSequences: true);
        var x = GradCheck.Random(12, -1f, 1f, 2, 4, 2);
        layer.EnsureBuilt(x.Shape);
        x.KerasMask = Tensor.FromArray(new float[] { 1, 0, 1, 1, 1, 1, 0, 0 }, 2, 4);
        GradCheck.Check(t => layer.Apply(t[0], true), [x, layer.Weights[0].Value]);
        x.KerasMask = null;

        // Seeded: the Dense initializer and the shuffle draw from the global generator.
        Config.SetRandomSeed(21);
        var model = new Sequential([new RNN(new LeakyCell(8)), new Dense(2, activation: "softmax")]);
        model.Compile(new SharpKeras.Optimizers.Adam(learningRate: 0.01), "sparse_categorical_crossentropy", ["accuracy"]);
        var data = GradCheck.Random(13, -1f, 1f, 64, 4, 2);
        var labels = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => data.Span[i * 8] > 0 ? 1 : 0).ToArray());
        var history = model.Fit(data, labels, batchSize: 16, epochs: 30, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.8, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
    }

    [Fact]
    public void MaskedTextModelLearnsToCountSentimentTokens()
    {
        Config.SetRandomSeed(5);
        var rng = new SeedGenerator(17);
        const int n = 512, len = 12;
        var ids = new int[n * len];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            int length = 4 + rng.NextInt(len - 3);
            for (int t = 0; t < length; t++)
            {
                ids[i * len + t] = 3 + rng.NextInt(17);
            }
            // One sentiment token, at a random place: 1 is positive, 2 negative.
            int label = rng.NextInt(2);
            ids[i * len + rng.NextInt(length)] = label == 1 ? 1 : 2;
            labels[i] = label;
        }
        var x = Tensor.FromArray(ids, n, len);
        var y = Tensor.FromArray(labels, n, 1);
        var model = new Sequential([new Embedding(20, 8, maskZero: true), new Bidirectional(new LSTM(8)), new Dense(1, activation: "sigmoid")]);
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        model.Fit(x, y, batchSize: 32, epochs: 12, verbose: 0);
        var result = model.Evaluate(x, y, verbose: 0);
        Assert.True(result["accuracy"] > 0.9, $"accuracy {result["accuracy"]}");
    }
}
