using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Layers.Recurrent;

/// <summary>
/// The recurrent layers' inference path (Predict, PredictOnBatch, calls no tape records: no histories, kernels packed
/// once and kept) gives the floats of the history-keeping forward a recording tape runs, bit for bit, over Keras's
/// options: return_sequences, go_backwards, use_bias, masks, initial states and returned states; it follows weight
/// updates, and a backward pass after it still has the histories it needs.
/// </summary>
public class RecurrentInferencePathTests
{
    private const int Time = 6, Features = 5, Units = 9;

    private static void SameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what} [{i}]: inference path {actual[i]:R}, recorded forward {expected[i]:R}");
        }
    }

    private static RNN Make(string kind, bool returnSequences, bool goBackwards, bool useBias) => kind switch
    {
        "lstm" => new LSTM(Units, useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards),
        "lstm_relu" => new LSTM(Units, activation: "relu", useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards),
        "gru" => new GRU(Units, useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards),
        "gru_reset_before" => new GRU(Units, useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards, resetAfter: false),
        _ => new SimpleRNN(Units, useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards),
    };

    /// <summary>(batch, Time, Features) values in [-1, 1]; when padded, sample b's last b % 3 steps are all zeros (masked by Masking).</summary>
    private static Tensor Inputs(int batch, bool padded, int seed)
    {
        var x = GradCheck.Random(seed, -1f, 1f, batch, Time, Features).ToArray();
        if (padded)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int t = Time - b % 3; t < Time; t++)
                {
                    Array.Clear(x, (b * Time + t) * Features, Features);
                }
            }
        }
        return Tensor.FromArray(x, batch, Time, Features);
    }

    /// <summary>The model's output with a tape recording (training=false): the forward that keeps the histories.</summary>
    private static float[] Recorded(Model model, Tensor x)
    {
        using var tape = new GradientTape();
        tape.Watch(x);
        return model.Apply(x).ToArray();
    }

    public static TheoryData<string, bool, bool, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool, bool, bool>();
        foreach (var kind in new[] { "lstm", "gru", "simple_rnn", "gru_reset_before" })
        {
            data.Add(kind, false, false, false, true);
            data.Add(kind, true, true, true, true);
            data.Add(kind, true, false, true, false);
        }
        data.Add("lstm_relu", false, true, false, true);
        data.Add("lstm", false, true, true, false);
        data.Add("gru", false, false, true, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PredictEqualsTheRecordedForwardBitForBit(string kind, bool returnSequences, bool goBackwards, bool masked, bool useBias)
    {
        const int batch = 7;
        var layer = Make(kind, returnSequences, goBackwards, useBias);
        var model = masked
            ? new Sequential([new Masking(0.0, inputShape: [Time, Features]), layer])
            : new Sequential([new InputLayer([Time, Features]), layer]);
        model.EnsureBuilt(new Shape(batch, Time, Features));
        RecurrentGradientTests.Randomize(layer, 3);
        var x = Inputs(batch, masked, 11);
        var expected = Recorded(model, x);
        // The first Predict records its plan, the second replays it.
        SameBits(expected, model.Predict(x, batchSize: batch, verbose: 0).ToArray(), kind + " Predict");
        SameBits(expected, model.Predict(x, batchSize: batch, verbose: 0).ToArray(), kind + " Predict replayed");
        // Batch 1 (the few-rows products) against the recorded forward of the same batch.
        var row = Tensor.FromArray(x.ToArray()[(2 * Time * Features)..(3 * Time * Features)], 1, Time, Features);
        SameBits(Recorded(model, row), model.PredictOnBatch(row).ToArray(), kind + " PredictOnBatch of sample 2");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("simple_rnn")]
    public void InitialAndReturnedStatesMatchTheRecordedForward(string kind)
    {
        const int batch = 3;
        var layer = Make(kind, returnSequences: true, goBackwards: false, useBias: true);
        var x = Inputs(batch, padded: true, 5);
        x.KerasMask = Tensor.FromArray(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0 }, batch, Time);
        layer.EnsureBuilt(x.Shape);
        RecurrentGradientTests.Randomize(layer, 8);
        var initial = Enumerable.Range(0, layer.Cell.StateSize.Count)
            .Select(i => GradCheck.Random(20 + i, -1f, 1f, batch, Units)).ToArray();
        // No tape: the inference path.
        var (output, states) = layer.Apply(x, initial);
        (Tensor Output, Tensor[] States) recorded;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            recorded = layer.Apply(x, initial);
        }
        SameBits(recorded.Output.ToArray(), output.ToArray(), kind + " output");
        Assert.Equal(recorded.States.Length, states.Length);
        for (int i = 0; i < states.Length; i++)
        {
            SameBits(recorded.States[i].ToArray(), states[i].ToArray(), $"{kind} state {i}");
        }
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void PredictFollowsWeightUpdates(string kind)
    {
        var layer = Make(kind, returnSequences: false, goBackwards: false, useBias: true);
        var model = new Sequential([new InputLayer([Time, Features]), layer]);
        model.EnsureBuilt(new Shape(4, Time, Features));
        RecurrentGradientTests.Randomize(layer, 30);
        var x = Inputs(4, padded: false, 31);
        var before = model.Predict(x, verbose: 0).ToArray();
        SameBits(Recorded(model, x), before, kind + " before the update");
        // New values for the kernel and the recurrent kernel, whose packed copies Predict keeps.
        RecurrentGradientTests.Randomize(layer, 40);
        var after = model.Predict(x, verbose: 0).ToArray();
        SameBits(Recorded(model, x), after, kind + " after the update");
        Assert.NotEqual(before, after);
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void GradientAfterAnInferenceForwardEqualsTheUsualGradient(string kind)
    {
        var layer = Make(kind, returnSequences: true, goBackwards: false, useBias: true);
        var x = Inputs(3, padded: false, 50);
        layer.EnsureBuilt(x.Shape);
        RecurrentGradientTests.Randomize(layer, 51);
        Tensor?[] Grads(bool inInference)
        {
            using var tape = new GradientTape();
            tape.Watch(x);
            Tensor y;
            // Under an inference scope the recorded op runs the no-history forward; its backward must redo the other.
            using (inInference ? SharpKeras.Training.InferenceWeights.Enter() : default(SharpKeras.Training.InferenceWeights.Scope?))
            {
                y = layer.Apply(x);
            }
            return tape.Gradient(Ops.Sum(Ops.Multiply(y, y)), [x, layer.Weights[1].Value]);
        }
        var usual = Grads(false);
        var afterInference = Grads(true);
        for (int i = 0; i < usual.Length; i++)
        {
            SameBits(usual[i]!.ToArray(), afterInference[i]!.ToArray(), $"{kind} gradient {i}");
        }
    }

    [Fact]
    public void ConcurrentPredictCallsEqualASerialCall()
    {
        var layer = Make("lstm", returnSequences: false, goBackwards: false, useBias: true);
        var model = new Sequential([new InputLayer([Time, Features]), layer, new Dense(3)]);
        model.EnsureBuilt(new Shape(16, Time, Features));
        RecurrentGradientTests.Randomize(layer, 60);
        var x = Inputs(16, padded: false, 61);
        var serial = model.Predict(x, batchSize: 4, verbose: 0).ToArray();
        var results = new float[4][];
        Parallel.For(0, results.Length, i => results[i] = model.Predict(x, batchSize: 4, verbose: 0).ToArray());
        foreach (var r in results)
        {
            SameBits(serial, r, "concurrent Predict");
        }
    }
}
