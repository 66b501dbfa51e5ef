using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>Fully-connected recurrent layer (<c>keras.layers.SimpleRNN</c>): h = activation(x W + h U + b), run as one fused op.</summary>
public sealed class SimpleRNN : RNN
{
    /// <summary>A SimpleRNN of <paramref name="units"/> units with Keras's defaults (tanh, last output only).</summary>
    public SimpleRNN(int units, ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? recurrentInitializer = null, Initializer? biasInitializer = null, double dropout = 0, double recurrentDropout = 0,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false, int? seed = null, string? name = null)
        : base(new SimpleRNNCell(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, "simple_rnn_cell"),
            returnSequences, returnState, goBackwards, stateful, false, name)
    {
        Dropout = LSTM.Rate(dropout, nameof(dropout));
        RecurrentDropout = LSTM.Rate(recurrentDropout, nameof(recurrentDropout));
        Seed = seed;
        DropoutRng = SeedGenerator.FromSeed(seed);
        _config = (activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer);
    }

    private readonly (ActivationFunction?, bool, Initializer?, Initializer?, Initializer?) _config;

    /// <summary>Seed of the dropout masks, if fixed.</summary>
    public int? Seed { get; }

    internal override RNN CloneReversed()
    {
        var (a, b, ki, ri, bi) = _config;
        return new SimpleRNN(Units, a, b, ki, ri, bi, Dropout, RecurrentDropout, ReturnSequences, ReturnState, !GoBackwards, false, Seed);
    }
}
