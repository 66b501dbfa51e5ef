using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Long Short-Term Memory layer (<c>keras.layers.LSTM</c>), run as one fused op: one matrix
/// multiply for the input projection of all steps, then one for all gates per step.
/// </summary>
public sealed class LSTM : RNN
{
    /// <summary>An LSTM of <paramref name="units"/> units with Keras's defaults (tanh, sigmoid, unit forget bias, last output only).</summary>
    public LSTM(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, int? seed = null, string? name = null)
        : base(new LSTMCell(units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias, "lstm_cell"),
            returnSequences, returnState, goBackwards, stateful, false, name)
    {
        Dropout = Rate(dropout, nameof(dropout));
        RecurrentDropout = Rate(recurrentDropout, nameof(recurrentDropout));
        Seed = seed;
        DropoutRng = SeedGenerator.FromSeed(seed);
        _config = (activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias);
    }

    private readonly (ActivationFunction?, ActivationFunction?, bool, Initializer?, Initializer?, Initializer?, bool) _config;

    /// <summary>Seed of the dropout masks, if fixed.</summary>
    public int? Seed { get; }

    internal static double Rate(double rate, string name) => double.IsNaN(rate) || rate < 0 || rate >= 1
        ? throw new ArgumentOutOfRangeException(name, rate, $"{name} must be in [0, 1), got {rate}.")
        : rate;

    internal override RNN CloneReversed()
    {
        var (a, ra, b, ki, ri, bi, ufb) = _config;
        return new LSTM(Units, a, ra, b, ki, ri, bi, ufb, Dropout, RecurrentDropout, ReturnSequences, ReturnState, !GoBackwards, false, Seed);
    }
}
