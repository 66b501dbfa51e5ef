using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Long Short-Term Memory layer (<c>keras.layers.LSTM</c>), run as one fused op: one matrix
/// multiply for the input projection of all steps, then one for all gates per step.
/// </summary>
public sealed class LSTM : RNN, Saving.IKerasSerializable<LSTM>
{
    /// <summary>An LSTM of <paramref name="units"/> units with Keras's defaults (tanh, sigmoid, unit forget bias, last output only); <paramref name="inputShape"/> optionally declares the per-sample (timesteps, features) input, as Keras's <c>input_shape</c>.</summary>
    public LSTM(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, int? seed = null, string? name = null,
        int[]? inputShape = null, int? batchSize = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? recurrentRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
        Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? recurrentConstraint = null,
        Constraints.Constraint? biasConstraint = null, int? inputDim = null, int? inputLength = null)
        : base(new LSTMCell(units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias, "lstm_cell")
            {
                KernelRegularizer = kernelRegularizer, RecurrentRegularizer = recurrentRegularizer, BiasRegularizer = biasRegularizer,
                KernelConstraint = kernelConstraint, RecurrentConstraint = recurrentConstraint, BiasConstraint = biasConstraint,
            },
            returnSequences, returnState, goBackwards, stateful, false, name, inputShape, batchSize, inputDim, inputLength)
    {
        Dropout = Rate(dropout, nameof(dropout));
        RecurrentDropout = Rate(recurrentDropout, nameof(recurrentDropout));
        Seed = seed;
        DropoutRng = SeedGenerator.FromSeed(seed);
        ActivityRegularizer = activityRegularizer;
    }

    /// <inheritdoc/>
    private protected override int? DropoutSeed => Seed;

    /// <summary>Seed of the dropout masks, if fixed.</summary>
    public int? Seed { get; }

    internal static double Rate(double rate, string name) => double.IsNaN(rate) || rate < 0 || rate >= 1
        ? throw new ArgumentOutOfRangeException(name, rate, $"{name} must be in [0, 1), got {rate}.")
        : rate;

    /// <inheritdoc/>
    private protected override bool FlattensCell => true;

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): the cell's fields are read by LSTMCell, the layer's here.</summary>
    public static new LSTM FromConfig(JsonObject config)
    {
        var name = Saving.RecurrentConfigs.Checked(config);
        var cell = LSTMCell.Read(config, "lstm_cell");
        return new LSTM(cell.Units, cell.Activation, cell.RecurrentActivation, cell.UseBias, cell.KernelInitializer, cell.RecurrentInitializer, cell.BiasInitializer,
            cell.UnitForgetBias, Saving.Cfg.Double(config, "dropout", 0), Saving.Cfg.Double(config, "recurrent_dropout", 0),
            Saving.Cfg.Bool(config, "return_sequences", false), Saving.Cfg.Bool(config, "return_state", false), Saving.Cfg.Bool(config, "go_backwards", false),
            Saving.Cfg.Bool(config, "stateful", false), Saving.Cfg.OptionalInt(config, "seed"), name,
            kernelRegularizer: cell.KernelRegularizer, recurrentRegularizer: cell.RecurrentRegularizer, biasRegularizer: cell.BiasRegularizer,
            kernelConstraint: cell.KernelConstraint, recurrentConstraint: cell.RecurrentConstraint, biasConstraint: cell.BiasConstraint);
    }
}
