using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Gated Recurrent Unit layer (<c>keras.layers.GRU</c>), run as one fused op when resetAfter is
/// true (the default) and step by step otherwise.
/// </summary>
public sealed class GRU : RNN
{
    /// <summary>A GRU of <paramref name="units"/> units with Keras's defaults (tanh, sigmoid, reset_after, last output only).</summary>
    public GRU(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        double dropout = 0, double recurrentDropout = 0, bool returnSequences = false, bool returnState = false,
        bool goBackwards = false, bool stateful = false, bool resetAfter = true, int? seed = null, string? name = null)
        : base(new GRUCell(units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, resetAfter, "gru_cell"),
            returnSequences, returnState, goBackwards, stateful, false, name)
    {
        Dropout = LSTM.Rate(dropout, nameof(dropout));
        RecurrentDropout = LSTM.Rate(recurrentDropout, nameof(recurrentDropout));
        Seed = seed;
        DropoutRng = SeedGenerator.FromSeed(seed);
        _config = (activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, resetAfter);
    }

    private readonly (ActivationFunction?, ActivationFunction?, bool, Initializer?, Initializer?, Initializer?, bool) _config;

    /// <summary>Seed of the dropout masks, if fixed.</summary>
    public int? Seed { get; }

    internal override RNN CloneReversed()
    {
        var (a, ra, b, ki, ri, bi, resetAfter) = _config;
        return new GRU(Units, a, ra, b, ki, ri, bi, Dropout, RecurrentDropout, ReturnSequences, ReturnState, !GoBackwards, false, resetAfter, Seed);
    }
}
