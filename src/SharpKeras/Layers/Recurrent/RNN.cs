using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Keras's RNN layer: runs a <see cref="RecurrentCell"/> over the time axis of (batch, time,
/// features) inputs. Built-in cells whose activations the CPU kernel applies run as one fused op
/// per layer (see <see cref="Ops"/>' recurrent op); any other cell runs step by step through
/// ordinary ops, which is slower but works for any user cell.
/// </summary>
/// <remarks>
/// Masks: a (batch, time) mask arrives on the input tensor (Tensor.KerasMask, Keras's
/// _keras_mask, set by Embedding(maskZero) or Masking). A masked step keeps the previous states and
/// outputs the previous output (zeros instead when <see cref="ZeroOutputForMask"/>); the output
/// sequence carries the mask on when <see cref="ReturnSequences"/>.
/// </remarks>
public class RNN : Layer, Saving.IKerasSerializable<RNN>
{
    /// <summary>A recurrent layer running <paramref name="cell"/> (Keras's defaults: last output only, no states, forwards).</summary>
    public RNN(RecurrentCell cell, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
        bool stateful = false, bool zeroOutputForMask = false, string? name = null,
        int[]? inputShape = null, int? batchSize = null, int? inputDim = null, int? inputLength = null)
        : base(name, inputShape, batchSize, inputDim, inputDim is null ? inputLength : inputLength ?? -1)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (stateful)
        {
            throw new ArgumentException($"{GetType().Name}: stateful=true is not supported; states start from zeros (or the initial states given) for every batch.", nameof(stateful));
        }
        Cell = cell;
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        ZeroOutputForMask = zeroOutputForMask;
    }

    /// <summary>Keras saves the cell's weights under the attribute name "cell" (layers/lstm/cell/vars/0..2).</summary>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        yield return new("cell", Cell);
    }

    /// <summary>The seed of the dropout masks of the built-in recurrent layers.</summary>
    private protected virtual int? DropoutSeed => null;

    /// <summary>
    /// Keras's RNN config: the RNN's fields and its serialized cell; LSTM, GRU and SimpleRNN write their
    /// cell's fields flattened into their own config instead, as Keras does.
    /// </summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["return_sequences"] = ReturnSequences;
        c["return_state"] = ReturnState;
        c["go_backwards"] = GoBackwards;
        c["stateful"] = false;
        c["unroll"] = false;
        c["zero_output_for_mask"] = ZeroOutputForMask;
        if (!FlattensCell)
        {
            c["cell"] = Saving.KerasSerializer.Serialize(Cell);
            return c;
        }
        foreach (var (key, value) in Cell.GetConfig())
        {
            if (key is not ("name" or "trainable" or "dtype"))
            {
                c[key] = value?.DeepClone();
            }
        }
        // The layer's own activity regularizer, not the cell's.
        c["activity_regularizer"] = Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["dropout"] = Dropout;
        c["recurrent_dropout"] = RecurrentDropout;
        c["seed"] = DropoutSeed;
        return c;
    }

    /// <summary>Whether the config holds the cell's fields (LSTM, GRU, SimpleRNN) rather than a serialized "cell".</summary>
    private protected virtual bool FlattensCell => false;

    /// <summary>Recreates an RNN from its config (Keras's <c>from_config</c>): the cell is deserialized from "cell", so a custom cell must be registered.</summary>
    public static RNN FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = config["cell"] ?? throw Saving.Cfg.Missing(config, "cell", "a serialized recurrent cell");
        if (node is JsonArray)
        {
            throw Saving.Cfg.Wrong(config, "cell", "one cell (stacked cells are not supported yet)", node);
        }
        var cell = Saving.KerasSerializer.Layer(node) as RecurrentCell
            ?? throw Saving.Cfg.Wrong(config, "cell", "a recurrent cell (LSTMCell, GRUCell, SimpleRNNCell or a registered RecurrentCell)", node["class_name"]);
        return new RNN(cell, Saving.Cfg.Bool(config, "return_sequences", false), Saving.Cfg.Bool(config, "return_state", false),
            Saving.Cfg.Bool(config, "go_backwards", false), Saving.Cfg.Bool(config, "stateful", false), Saving.Cfg.Bool(config, "zero_output_for_mask", false),
            Saving.Cfg.Name(config));
    }

    /// <summary>The cell run at each step.</summary>
    public RecurrentCell Cell { get; }

    /// <summary>Number of units of the cell.</summary>
    public int Units => Cell.Units;

    /// <summary>Whether the whole output sequence is returned (else the last output).</summary>
    public bool ReturnSequences { get; }

    /// <summary>Whether <see cref="Apply(Tensor, Tensor[], bool)"/> returns the final states (the layer's single output is unaffected).</summary>
    public bool ReturnState { get; }

    /// <summary>Whether the sequence is processed backwards (the output sequence is then in reversed order, as Keras).</summary>
    public bool GoBackwards { get; }

    /// <summary>Whether masked steps output zeros rather than the previous output (Bidirectional sets it when returning sequences).</summary>
    public bool ZeroOutputForMask { get; internal set; }

    /// <summary>Input dropout rate (fused built-in layers only).</summary>
    public double Dropout { get; protected init; }

    /// <summary>Recurrent-state dropout rate (fused built-in layers only).</summary>
    public double RecurrentDropout { get; protected init; }

    /// <summary>The generator of the dropout masks.</summary>
    private protected SeedGenerator? DropoutRng { get; init; }

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> Weights => Cell.Weights;

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> TrainableWeights => Trainable ? Cell.TrainableWeights : [];

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> NonTrainableWeights => Trainable ? Cell.NonTrainableWeights : Cell.Weights;

    /// <inheritdoc/>
    public override int CountParams() => Cell.CountParams();

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 3 || inputShape[2] <= 0)
        {
            throw IncompatibleInput(inputShape, "expected ndim=3 (batch, timesteps, features) with a known number of features");
        }
        Cell.EnsureBuilt(new Shape(-1, inputShape[2]));
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        int features = BuildInputShape![2];
        if (inputShape.Rank != 3 || inputShape[2] != features)
        {
            throw IncompatibleInput(inputShape, $"expected ndim=3 (batch, timesteps, features) with features={features}");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        ReturnSequences ? new Shape(inputShape[0], inputShape[1], Units) : new Shape(inputShape[0], Units);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Run(inputs, null, training)[0];

    /// <summary>
    /// Runs the layer with optional initial states (Keras's <c>layer(x, initial_state=[...])</c>);
    /// returns the output and the final states (h, and c for LSTM), whatever <see cref="ReturnState"/> says.
    /// </summary>
    public (Tensor Output, Tensor[] States) Apply(Tensor inputs, Tensor[]? initialState, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        EnsureBuilt(inputs.Shape);
        var r = Run(inputs, initialState, training, withStates: true);
        return (r[0], r[1..]);
    }

    /// <summary>
    /// Calls the layer on a symbolic tensor with optional symbolic initial states (Keras's
    /// <c>output, h, c = lstm(x, initial_state=[h0, c0])</c> in the functional API): the output, and the final
    /// states (h, and c for LSTM) when <see cref="ReturnState"/> is set, as Keras returns them; none otherwise.
    /// </summary>
    public (KerasTensor Output, KerasTensor[] States) Apply(KerasTensor inputs, KerasTensor[]? initialState)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var kwargs = new CallKwargs<KerasTensor>();
        if (initialState is not null)
        {
            kwargs.Add("initial_state", initialState);
        }
        var r = ApplyWithKwargs([inputs], false, kwargs);
        return (r[0], r[1..]);
    }

    /// <inheritdoc/>
    internal override KerasTensor[] ApplyWithKwargs(KerasTensor[] args, bool asList, CallKwargs<KerasTensor> kwargs)
    {
        kwargs.CheckKnown(this, "initial_state");
        var initial = kwargs.TensorList(this, "initial_state");
        if (initial is null && !ReturnState)
        {
            return base.ApplyWithKwargs(args, asList, kwargs);
        }
        if (args.Length != 1)
        {
            throw new Saving.ConfigException($"Layer \"{Name}\" ({GetType().Name}) takes one input tensor (and initial_state by keyword), but was called with {args.Length} positional tensor(s).");
        }
        var x = args[0];
        EnsureBuilt(x.Shape);
        var sizes = Cell.StateSize;
        if (initial is not null)
        {
            if (initial.Length != sizes.Count)
            {
                throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}) expects {sizes.Count} initial state(s) but got {initial.Length}.", "initialState");
            }
            for (int i = 0; i < sizes.Count; i++)
            {
                var s = initial[i].Shape;
                if (s.Rank != 2 || s[1] != sizes[i] || (s[0] >= 0 && x.Shape[0] >= 0 && s[0] != x.Shape[0]))
                {
                    throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}): initial state {i} has shape {s}, but the layer has {sizes[i]} units, so it must be (batch, {sizes[i]}).", "initialState");
                }
            }
        }
        var outputs = new List<(Shape, DType)> { (ComputeOutputShape(x.Shape), DType.Float32) };
        if (ReturnState)
        {
            outputs.AddRange(sizes.Select(size => (new Shape(x.Shape[0], size), DType.Float32)));
        }
        var recorded = new CallKwargs<KerasTensor>();
        if (initial is not null)
        {
            recorded.Add("initial_state", initial);
        }
        return AddNode([x], false, recorded, [.. outputs]);
    }

    /// <inheritdoc/>
    internal override Tensor[] CallWithKwargs(Tensor[] args, bool asList, CallKwargs<Tensor> kwargs, bool training)
    {
        var (output, states) = Apply(args[0], kwargs.TensorList(this, "initial_state"), training);
        return ReturnState ? [output, .. states] : [output];
    }

    private Tensor[] Run(Tensor inputs, Tensor[]? initialState, bool training, bool withStates = false)
    {
        if (inputs.Rank != 3)
        {
            throw IncompatibleInput(inputs.Shape, "expected ndim=3 (batch, timesteps, features)");
        }
        int batch = inputs.Shape[0];
        if (initialState is not null)
        {
            var sizes = Cell.StateSize;
            if (initialState.Length != sizes.Count)
            {
                throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}) expects {sizes.Count} initial state(s) but got {initialState.Length}.", nameof(initialState));
            }
            for (int i = 0; i < sizes.Count; i++)
            {
                var expected = new Shape(batch, sizes[i]);
                if (initialState[i].Shape != expected)
                {
                    throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}): initial state {i} has shape {initialState[i].Shape}, but the layer has {sizes[i]} units, so it must be {expected} for a batch of {batch}.", nameof(initialState));
                }
            }
        }
        var mask = inputs.KerasMask;
        if (mask is not null && mask.Shape != new Shape(batch, inputs.Shape[1]))
        {
            throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}): the input's mask has shape {mask.Shape}, expected {new Shape(batch, inputs.Shape[1])}.");
        }
        var result = Cell.Fused is { } fused
            ? RunFused(fused, inputs, initialState, mask, training, withStates)
            : RunStepwise(inputs, initialState, mask, training);
        if (ReturnSequences && mask is not null)
        {
            // Keras's compute_mask: the output sequence keeps the input's mask, as Keras does (also when going backwards).
            result[0].KerasMask = mask;
        }
        return result;
    }

    private Tensor[] RunFused(FusedCell fused, Tensor inputs, Tensor[]? initialState, Tensor? mask, bool training, bool withStates)
    {
        var options = new RecurrentOptions(fused.Kind, fused.Activation, fused.RecurrentActivation, ReturnSequences, withStates,
            GoBackwards, ZeroOutputForMask, training ? Dropout : 0, training ? RecurrentDropout : 0, DropoutRng);
        return Ops.Recurrent(inputs, fused.Kernel, fused.RecurrentKernel, fused.Bias, initialState, mask, options);
    }

    private Tensor[] RunStepwise(Tensor inputs, Tensor[]? initialState, Tensor? mask, bool training)
    {
        if (training && (Dropout > 0 || RecurrentDropout > 0))
        {
            throw new NotSupportedException($"Layer \"{Name}\" ({GetType().Name}): dropout and recurrentDropout need the fused kernel, which runs only built-in activations (linear, relu, sigmoid, tanh) and GRU with resetAfter=true.");
        }
        int batch = inputs.Shape[0], time = inputs.Shape[1];
        var states = initialState is not null
            ? [.. initialState]
            : Cell.StateSize.Select(s => Tensor.Zeros(new Shape(batch, s))).ToArray();
        var zeros = Tensor.Zeros(new Shape(batch, Units));
        var last = zeros;
        var outputs = new List<Tensor>(time);
        for (int s = 0; s < time; s++)
        {
            int t = GoBackwards ? time - 1 - s : s;
            var (output, next) = Cell.Step(Ops.TimeStep(inputs, t), states, training);
            if (mask is not null)
            {
                for (int i = 0; i < next.Length; i++)
                {
                    next[i] = Ops.MaskedSelect(next[i], states[i], mask, t);
                }
                var shown = Ops.MaskedSelect(output, ZeroOutputForMask ? zeros : last, mask, t);
                last = Ops.MaskedSelect(output, last, mask, t);
                output = shown;
            }
            else
            {
                last = output;
            }
            outputs.Add(output);
            states = next;
        }
        var y = ReturnSequences ? Ops.StackTime(outputs) : last;
        return [y, .. states];
    }
}
