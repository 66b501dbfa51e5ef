using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>Fully-connected recurrent layer (<c>keras.layers.SimpleRNN</c>): h = activation(x W + h U + b), run as one fused op.</summary>
public sealed class SimpleRNN : RNN, Saving.IKerasSerializable<SimpleRNN>
{
    /// <summary>A SimpleRNN of <paramref name="units"/> units with Keras's defaults (tanh, last output only); <paramref name="inputShape"/> optionally declares the per-sample (timesteps, features) input, as Keras's <c>input_shape</c>.</summary>
    public SimpleRNN(int units, ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? recurrentInitializer = null, Initializer? biasInitializer = null, double dropout = 0, double recurrentDropout = 0,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false, int? seed = null, string? name = null,
        int[]? inputShape = null, int? batchSize = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? recurrentRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
        Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? recurrentConstraint = null,
        Constraints.Constraint? biasConstraint = null, int? inputDim = null, int? inputLength = null)
        : base(new SimpleRNNCell(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, "simple_rnn_cell")
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

    /// <summary>Keras's SimpleRNN config: as the other recurrent layers, but Keras writes no seed for it.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("seed");
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): the cell's fields are read by SimpleRNNCell, the layer's here.</summary>
    public static new SimpleRNN FromConfig(JsonObject config)
    {
        var name = Saving.RecurrentConfigs.Checked(config);
        var cell = SimpleRNNCell.Read(config, "simple_rnn_cell");
        return new SimpleRNN(cell.Units, cell.Activation, cell.UseBias, cell.KernelInitializer, cell.RecurrentInitializer, cell.BiasInitializer,
            Saving.Cfg.Double(config, "dropout", 0), Saving.Cfg.Double(config, "recurrent_dropout", 0),
            Saving.Cfg.Bool(config, "return_sequences", false), Saving.Cfg.Bool(config, "return_state", false), Saving.Cfg.Bool(config, "go_backwards", false),
            Saving.Cfg.Bool(config, "stateful", false), Saving.Cfg.OptionalInt(config, "seed"), name,
            kernelRegularizer: cell.KernelRegularizer, recurrentRegularizer: cell.RecurrentRegularizer, biasRegularizer: cell.BiasRegularizer,
            kernelConstraint: cell.KernelConstraint, recurrentConstraint: cell.RecurrentConstraint, biasConstraint: cell.BiasConstraint);
    }
}
