using SharpKeras.Layers;

namespace SharpKeras.Tests.Layers.Recurrent;

/// <summary>Finite-difference checks of the recurrent layers' gradients (input, weights, initial states), with and without masks.</summary>
public class RecurrentGradientTests
{
    private const int Batch = 3, Time = 5, Features = 3, Units = 4;

    /// <summary>A (batch, time) mask with a masked step in the middle, trailing padding and leading padding.</summary>
    internal static Tensor Mask() => Tensor.FromArray(new float[]
    {
        1, 1, 0, 1, 1,
        1, 1, 1, 0, 0,
        0, 0, 1, 1, 1,
    }, Batch, Time);

    internal static RNN Make(string kind, bool returnSequences, bool goBackwards = false) => kind switch
    {
        "lstm" => new LSTM(Units, returnSequences: returnSequences, goBackwards: goBackwards),
        "gru" => new GRU(Units, returnSequences: returnSequences, goBackwards: goBackwards),
        "gru_reset_before" => new GRU(Units, returnSequences: returnSequences, goBackwards: goBackwards, resetAfter: false),
        "simple_rnn" => new SimpleRNN(Units, returnSequences: returnSequences, goBackwards: goBackwards),
        "lstm_cell" => new RNN(new LSTMCell(Units), returnSequences, goBackwards: goBackwards),
        "gru_cell" => new RNN(new GRUCell(Units), returnSequences, goBackwards: goBackwards),
        _ => new RNN(new SimpleRNNCell(Units), returnSequences, goBackwards: goBackwards),
    };

    /// <summary>Gives every weight (biases too) random values so that each one shows in the output.</summary>
    internal static void Randomize(Layer layer, int seed)
    {
        foreach (var w in layer.Weights)
        {
            w.Assign(GradCheck.Random(seed++, -0.6f, 0.6f, w.Shape.ToArray()));
        }
    }

    public static TheoryData<string, bool, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool, bool>();
        foreach (var kind in new[] { "lstm", "gru", "simple_rnn", "gru_reset_before", "lstm_cell", "gru_cell", "simple_rnn_cell" })
        {
            foreach (bool seq in new[] { false, true })
            {
                foreach (bool masked in new[] { false, true })
                {
                    data.Add(kind, seq, masked, false);
                }
            }
            data.Add(kind, true, true, true);
            data.Add(kind, false, false, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string kind, bool returnSequences, bool masked, bool goBackwards)
    {
        var layer = Make(kind, returnSequences, goBackwards);
        var x = GradCheck.Random(7, -1f, 1f, Batch, Time, Features);
        layer.EnsureBuilt(x.Shape);
        Randomize(layer, 11);
        if (masked)
        {
            x.KerasMask = Mask();
        }
        Tensor[] inputs = [x, .. layer.Weights.Select(w => w.Value)];
        GradCheck.Check(t => layer.Apply(t[0], training: true), inputs);
    }

    [Theory]
    [InlineData("lstm", false)]
    [InlineData("lstm", true)]
    [InlineData("gru", true)]
    [InlineData("simple_rnn", true)]
    [InlineData("lstm_cell", true)]
    public void InitialStateAndFinalStateGradientsMatchFiniteDifferences(string kind, bool masked)
    {
        var layer = Make(kind, returnSequences: false);
        var x = GradCheck.Random(8, -1f, 1f, Batch, Time, Features);
        layer.EnsureBuilt(x.Shape);
        Randomize(layer, 21);
        if (masked)
        {
            x.KerasMask = Mask();
        }
        var states = layer.Cell.StateSize.Select((s, i) => GradCheck.Random(30 + i, -0.5f, 0.5f, Batch, s)).ToArray();
        Tensor[] inputs = [x, .. states, .. layer.Weights.Select(w => w.Value)];
        GradCheck.Check(t =>
        {
            var (y, final) = layer.Apply(t[0], [.. t[1..(1 + states.Length)]], training: true);
            var all = y;
            foreach (var s in final)
            {
                all = Ops.ConcatenateLast(all, s);
            }
            return all;
        }, inputs);
    }

    [Theory]
    [InlineData("lstm", "lstm_cell")]
    [InlineData("gru", "gru_cell")]
    [InlineData("simple_rnn", "simple_rnn_cell")]
    public void FusedLayerMatchesTheCellRunStepByStep(string fused, string stepwise)
    {
        foreach (bool masked in new[] { false, true })
        {
            foreach (bool goBackwards in new[] { false, true })
            {
                var a = Make(fused, true, goBackwards);
                var b = Make(stepwise, true, goBackwards);
                var x = GradCheck.Random(9, -1f, 1f, Batch, Time, Features);
                a.EnsureBuilt(x.Shape);
                b.EnsureBuilt(x.Shape);
                Randomize(a, 40);
                Randomize(b, 40);
                if (masked)
                {
                    x.KerasMask = Mask();
                }
                var ya = a.Apply(x).ToArray();
                var yb = b.Apply(x).ToArray();
                for (int i = 0; i < ya.Length; i++)
                {
                    Assert.True(Math.Abs(ya[i] - yb[i]) < 1e-5, $"{fused} masked={masked} backwards={goBackwards} output {i}: fused {ya[i]}, stepwise {yb[i]}");
                }
            }
        }
    }

    [Theory]
    [InlineData("concat", false)]
    [InlineData("sum", true)]
    [InlineData("mul", true)]
    [InlineData("ave", false)]
    public void BidirectionalGradientsMatchFiniteDifferences(string mergeMode, bool returnSequences)
    {
        foreach (bool masked in new[] { false, true })
        {
            var layer = new Bidirectional(new LSTM(Units, returnSequences: returnSequences), mergeMode);
            var x = GradCheck.Random(12, -1f, 1f, Batch, Time, Features);
            layer.EnsureBuilt(x.Shape);
            Randomize(layer, 50);
            if (masked)
            {
                x.KerasMask = Mask();
            }
            Tensor[] inputs = [x, .. layer.Weights.Select(w => w.Value)];
            GradCheck.Check(t => layer.Apply(t[0], training: true), inputs);
        }
    }

    [Fact]
    public void EmbeddingGradientMatchesFiniteDifferences()
    {
        var layer = new Embedding(6, 3);
        var ids = Tensor.FromArray(new[] { 1, 0, 5, 1, 2, 2 }, 2, 3);
        layer.EnsureBuilt(ids.Shape);
        GradCheck.Check(t => layer.Apply(ids, training: true), [layer.Weights[0].Value]);
    }

    [Fact]
    public void MaskedEmbeddingIntoLstmGradientMatchesFiniteDifferences()
    {
        var emb = new Embedding(7, 3, maskZero: true);
        var lstm = new LSTM(Units, returnSequences: true);
        var ids = Tensor.FromArray(new[] { 3, 4, 0, 0, 1, 2, 6, 5 }, 2, 4);
        emb.EnsureBuilt(ids.Shape);
        lstm.EnsureBuilt(new Shape(2, 4, 3));
        Randomize(lstm, 60);
        Tensor[] inputs = [emb.Weights[0].Value, .. lstm.Weights.Select(w => w.Value)];
        GradCheck.Check(t => lstm.Apply(emb.Apply(ids, training: true), training: true), inputs);
    }

    [Fact]
    public void MaskingTimeDistributedAndRepeatVectorGradientsMatchFiniteDifferences()
    {
        var x = GradCheck.Random(13, -1f, 1f, Batch, Time, Features);
        // Make two steps padding (all features equal to the mask value).
        for (int j = 0; j < Features; j++)
        {
            x.Span[(0 * Time + 4) * Features + j] = 0f;
            x.Span[(2 * Time + 0) * Features + j] = 0f;
        }
        var masking = new Masking();
        var gru = new GRU(Units);
        gru.EnsureBuilt(x.Shape);
        Randomize(gru, 70);
        // The padding steps sit exactly on the mask value, where the mask has no derivative, so the
        // input itself is not perturbed here; the weights' gradients go through the masked loop.
        GradCheck.Check(t => gru.Apply(masking.Apply(x, true), true), [.. gru.Weights.Select(w => w.Value)]);
        var masked = masking.Apply(x);
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1 }, masked.KerasMask!.ToArray());

        var td = new TimeDistributed(new Dense(2, activation: "tanh"));
        td.EnsureBuilt(x.Shape);
        GradCheck.Check(t => td.Apply(t[0], true), [x, .. td.Weights.Select(w => w.Value)]);

        var rv = new RepeatVector(3);
        var v = GradCheck.Random(14, -1f, 1f, 2, 4);
        GradCheck.Check(t => rv.Apply(t[0], true), [v]);
    }
}
