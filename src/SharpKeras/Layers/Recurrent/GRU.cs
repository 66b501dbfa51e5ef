using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Gated Recurrent Unit layer (<c>keras.layers.GRU</c>), run as one fused op when resetAfter is
/// true (the default) and step by step otherwise.
/// </summary>
public sealed class GRU : RNN, Saving.IKerasSerializable<GRU>
{
    /// <summary>A GRU of <paramref name="units"/> units with Keras's defaults (tanh, sigmoid, reset_after, last output only); <paramref name="inputShape"/> optionally declares the per-sample (timesteps, features) input, as Keras's <c>input_shape</c>.</summary>
    public GRU(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        double dropout = 0, double recurrentDropout = 0, bool returnSequences = false, bool returnState = false,
        bool goBackwards = false, bool stateful = false, bool resetAfter = true, int? seed = null, string? name = null,
        int[]? inputShape = null, int? batchSize = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? recurrentRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
        Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? recurrentConstraint = null,
        Constraints.Constraint? biasConstraint = null, int? inputDim = null, int? inputLength = null)
        : base(new GRUCell(units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, resetAfter, "gru_cell")
            {
                KernelRegularizer = kernelRegularizer, RecurrentRegularizer = recurrentRegularizer, BiasRegularizer = biasRegularizer,
                KernelConstraint = kernelConstraint, RecurrentConstraint = recurrentConstraint, BiasConstraint = biasConstraint,
            },
            returnSequences, returnState, goBackwards, stateful, false, name, inputShape, batchSize, inputDim, inputLength)
    {
        Dropout = LSTM.Rate(dropout, nameof(dropout));
        RecurrentDropout = LSTM.Rate(recurrentDropout, nameof(recurrentDropout));
        Seed = seed;
        DropoutRng = SeedGenerator.FromSeed(seed);
        ActivityRegularizer = activityRegularizer;
    }

    /// <inheritdoc/>
    private protected override int? DropoutSeed => Seed;

    /// <summary>Seed of the dropout masks, if fixed.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    private protected override bool FlattensCell => true;

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): the cell's fields are read by GRUCell, the layer's here.</summary>
    public static new GRU FromConfig(JsonObject config)
    {
        var name = Saving.RecurrentConfigs.Checked(config);
        var cell = GRUCell.Read(config, "gru_cell");
        return new GRU(cell.Units, cell.Activation, cell.RecurrentActivation, cell.UseBias, cell.KernelInitializer, cell.RecurrentInitializer, cell.BiasInitializer,
            Saving.Cfg.Double(config, "dropout", 0), Saving.Cfg.Double(config, "recurrent_dropout", 0),
            Saving.Cfg.Bool(config, "return_sequences", false), Saving.Cfg.Bool(config, "return_state", false), Saving.Cfg.Bool(config, "go_backwards", false),
            Saving.Cfg.Bool(config, "stateful", false), cell.ResetAfter, Saving.Cfg.OptionalInt(config, "seed"), name,
            kernelRegularizer: cell.KernelRegularizer, recurrentRegularizer: cell.RecurrentRegularizer, biasRegularizer: cell.BiasRegularizer,
            kernelConstraint: cell.KernelConstraint, recurrentConstraint: cell.RecurrentConstraint, biasConstraint: cell.BiasConstraint);
    }
}
