using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>
/// 2-D convolutional LSTM (<c>keras.layers.ConvLSTM2D</c>): an LSTM over (batch, time, height, width,
/// channels) whose input and recurrent transforms are convolutions. The input convolution of all steps
/// runs as one convolution over (batch*time) images; each step then adds the recurrent convolution of h
/// (stride 1, "same" padding, as Keras) and applies the gates i, f, c, o. Gradients come from the ops.
/// </summary>
public sealed class ConvLSTM2D : Layer, IKerasSerializable<ConvLSTM2D>
{
    private readonly ConvLSTMCell _cell;
    private readonly SeedGenerator _rng;

    /// <summary>A ConvLSTM2D with Keras's defaults (tanh, sigmoid, glorot_uniform, orthogonal, unit forget bias, last output only).</summary>
    public ConvLSTM2D(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", string? dataFormat = null,
        Size2D? dilationRate = null, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0, int? seed = null, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, string? name = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? recurrentRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
        Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? recurrentConstraint = null,
        Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"ConvLSTM2D layer '{Name}'";
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"{who}: filters must be a positive integer, got {filters}.");
        }
        Size2D s = strides ?? 1, d = dilationRate ?? 1;
        foreach (var (value, arg) in new[] { (kernelSize, "kernelSize"), (s, "strides"), (d, "dilationRate") })
        {
            if (value.Height <= 0 || value.Width <= 0)
            {
                throw new ArgumentOutOfRangeException(arg, $"{who}: {arg} must be positive, got ({value.Height}, {value.Width}).");
            }
        }
        if ((s.Height != 1 || s.Width != 1) && (d.Height != 1 || d.Width != 1))
        {
            throw new ArgumentException($"{who}: strides ({s.Height}, {s.Width}) > 1 cannot be combined with dilationRate ({d.Height}, {d.Width}) > 1, as in Keras.", nameof(strides));
        }
        var format = dataFormat ?? "channels_last";
        if (format is not ("channels_last" or "channels_first"))
        {
            throw new ArgumentException($"{who}: invalid dataFormat \"{format}\"; expected \"channels_first\" or \"channels_last\".", nameof(dataFormat));
        }
        if (stateful)
        {
            throw new ArgumentException($"{who}: stateful=true is not supported; states start from zeros (or the initial states given) for every batch.", nameof(stateful));
        }
        Filters = filters;
        KernelSize = kernelSize;
        Strides = s;
        DilationRate = d;
        Padding = Ops.CheckPadding(padding, allowCausal: false);
        DataFormat = format;
        Activation = activation ?? Activations.Get("tanh");
        RecurrentActivation = recurrentActivation ?? Activations.Get("sigmoid");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        RecurrentInitializer = recurrentInitializer ?? new Orthogonal();
        BiasInitializer = biasInitializer ?? new Zeros();
        UnitForgetBias = unitForgetBias;
        Dropout = LSTM.Rate(dropout, nameof(dropout));
        RecurrentDropout = LSTM.Rate(recurrentDropout, nameof(recurrentDropout));
        Seed = seed;
        _rng = SeedGenerator.FromSeed(seed);
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        KernelRegularizer = kernelRegularizer;
        RecurrentRegularizer = recurrentRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        RecurrentConstraint = recurrentConstraint;
        BiasConstraint = biasConstraint;
        _cell = new ConvLSTMCell(this);
    }

    /// <summary>Number of output channels (Keras's <c>filters</c>).</summary>
    public int Filters { get; }

    /// <summary>The (height, width) of the convolution window.</summary>
    public Size2D KernelSize { get; }

    /// <summary>The step of the input convolution (the recurrent one always steps by 1).</summary>
    public Size2D Strides { get; }

    /// <summary>"valid" or "same" for the input convolution (the recurrent one is always "same").</summary>
    public string Padding { get; }

    /// <summary>"channels_last" (batch, time, height, width, channels) or "channels_first" (batch, time, channels, height, width).</summary>
    public string DataFormat { get; }

    /// <summary>The dilation of the input convolution.</summary>
    public Size2D DilationRate { get; }

    /// <summary>The activation of the cell candidate and output (default tanh).</summary>
    public ActivationFunction Activation { get; }

    /// <summary>The activation of the gates (default sigmoid).</summary>
    public ActivationFunction RecurrentActivation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Initializer of the kernel.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the recurrent kernel.</summary>
    public Initializer RecurrentInitializer { get; }

    /// <summary>Initializer of the bias.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Whether the forget gate's bias starts at 1 (Keras's unit_forget_bias).</summary>
    public bool UnitForgetBias { get; }

    /// <summary>Fraction of the inputs dropped in training (Keras's <c>dropout</c>): one mask per gate, drawn once per sequence.</summary>
    public double Dropout { get; }

    /// <summary>Fraction of the recurrent state dropped in training (Keras's <c>recurrent_dropout</c>): one mask per gate, drawn once per sequence.</summary>
    public double RecurrentDropout { get; }

    /// <summary>Seed of the dropout masks, if fixed.</summary>
    public int? Seed { get; }

    /// <summary>Whether the whole output sequence is returned (else the last output).</summary>
    public bool ReturnSequences { get; }

    /// <summary>Whether the final states are returned too (see <see cref="Apply(Tensor, Tensor[], bool)"/>).</summary>
    public bool ReturnState { get; }

    /// <summary>Whether the sequence is processed backwards (the output sequence is then in reversed order, as Keras).</summary>
    public bool GoBackwards { get; }

    /// <summary>The penalty on the kernel (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? KernelRegularizer { get; }

    /// <summary>The penalty on the recurrent kernel (Keras's <c>recurrent_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? RecurrentRegularizer { get; }

    /// <summary>The penalty on the bias (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the kernel after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraints.Constraint? KernelConstraint { get; }

    /// <summary>The projection of the recurrent kernel after each update (Keras's <c>recurrent_constraint</c>), if any.</summary>
    public Constraints.Constraint? RecurrentConstraint { get; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>The kernel (kh, kw, channels, 4*filters), gates i, f, c, o; null before build.</summary>
    public Tensor? Kernel => _cell.Kernel;

    /// <summary>The recurrent kernel (kh, kw, filters, 4*filters); null before build.</summary>
    public Tensor? RecurrentKernel => _cell.RecurrentKernel;

    /// <summary>The bias (4*filters); null before build or without bias.</summary>
    public Tensor? Bias => _cell.Bias;

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> Weights => _cell.Weights;

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> TrainableWeights => Trainable ? _cell.TrainableWeights : [];

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> NonTrainableWeights => Trainable ? _cell.NonTrainableWeights : _cell.Weights;

    /// <inheritdoc/>
    public override int CountParams() => _cell.CountParams();

    /// <summary>Keras saves the cell's weights under the attribute name "cell" (layers/conv_lstm2d/cell/vars/0..2).</summary>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        yield return new("cell", _cell);
    }

    private bool ChannelsFirst => DataFormat == "channels_first";

    private void CheckRank(Shape inputShape)
    {
        if (inputShape.Rank != 5)
        {
            string layout = ChannelsFirst ? "(batch, time, channels, rows, cols)" : "(batch, time, rows, cols, channels)";
            throw IncompatibleInput(inputShape, $"expected ndim=5 {layout}");
        }
    }

    /// <summary>The per-step image shape (batch, rows, cols, channels) of a channels_last or channels_first sequence shape.</summary>
    private Shape StepShape(Shape s) => ChannelsFirst ? new Shape(s[0], s[3], s[4], s[2]) : new Shape(s[0], s[2], s[3], s[4]);

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        CheckRank(inputShape);
        var step = StepShape(inputShape);
        if (step[1] <= 0 || step[2] <= 0 || step[3] <= 0)
        {
            throw IncompatibleInput(inputShape, "ConvLSTM2D needs known rows, cols and channels");
        }
        CheckOutputSize(inputShape, step);
        _cell.EnsureBuilt(step.WithDim(0, -1));
    }

    private void CheckOutputSize(Shape inputShape, Shape step)
    {
        var o = _cell.ComputeOutputShape(step);
        if (o[1] == 0 || o[2] == 0)
        {
            throw IncompatibleInput(inputShape, $"the kernel ({KernelSize.Height}, {KernelSize.Width}) with padding \"{Padding}\" leaves no output rows or cols for {step[1]}x{step[2]} images");
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        CheckRank(inputShape);
        var built = StepShape(BuildInputShape!);
        var step = StepShape(inputShape);
        if (step[1] != built[1] || step[2] != built[2] || step[3] != built[3])
        {
            throw IncompatibleInput(inputShape, $"expected steps of (rows, cols, channels) = ({built[1]}, {built[2]}, {built[3]}) as the layer was built for, got ({step[1]}, {step[2]}, {step[3]})");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        CheckRank(inputShape);
        var state = _cell.ComputeOutputShape(StepShape(inputShape));
        int[] image = ChannelsFirst ? [state[3], state[1], state[2]] : [state[1], state[2], state[3]];
        return ReturnSequences ? new Shape([inputShape[0], inputShape[1], .. image]) : new Shape([inputShape[0], .. image]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Run(inputs, null, training)[0];

    /// <summary>
    /// Runs the layer with optional initial states [h, c] (Keras's <c>layer(x, initial_state=[...])</c>, each of the
    /// output image shape); returns the output and the final states, whatever <see cref="ReturnState"/> says.
    /// </summary>
    public (Tensor Output, Tensor[] States) Apply(Tensor inputs, Tensor[]? initialState, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        EnsureBuilt(inputs.Shape);
        var r = Run(inputs, initialState, training);
        return (r[0], r[1..]);
    }

    /// <summary>
    /// Runs the layer in training with given dropout masks instead of fresh draws: four input masks of (batch, 1, rows, cols,
    /// channels) in channels_last order and/or four recurrent masks of the state shape (batch, new_rows, new_cols, filters).
    /// </summary>
    internal Tensor[] RunWithMasks(Tensor inputs, Tensor[]? initialState, Tensor[]? inputMasks, Tensor[]? recurrentMasks)
    {
        EnsureBuilt(inputs.Shape);
        return Run(inputs, initialState, training: true, inputMasks, recurrentMasks);
    }

    /// <summary>
    /// Keras's dropout masks of ConvLSTMCell (dropout_mask_count = 4): one inverted-dropout mask of <paramref name="shape"/> per
    /// gate, drawn as ops on <paramref name="input"/> so that a replayed training step draws afresh.
    /// </summary>
    internal static Tensor[] DropoutMasks(Tensor input, Shape shape, double rate, SeedGenerator rng)
    {
        float keep = (float)(1 - rate);
        float scale = 1f / keep;
        var masks = new Tensor[4];
        for (int g = 0; g < 4; g++)
        {
            masks[g] = Ops.RandomDraws(input, shape, rng, (r, v) => r.NextMask(v, keep, scale));
        }
        return masks;
    }

    private Tensor[] Run(Tensor inputs, Tensor[]? initialState, bool training, Tensor[]? inputMasks = null, Tensor[]? recurrentMasks = null)
    {
        CheckRank(inputs.Shape);
        if (inputs.KerasMask is not null)
        {
            throw new NotSupportedException($"ConvLSTM2D layer '{Name}': masked input sequences are not supported yet.");
        }
        var x = ChannelsFirst ? Ops.Transpose(inputs, 0, 1, 3, 4, 2) : inputs;
        int b = x.Shape[0], t = x.Shape[1];
        var stateShape = _cell.ComputeOutputShape(new Shape(b, x.Shape[2], x.Shape[3], x.Shape[4]));
        Tensor h, c;
        if (initialState is not null)
        {
            if (initialState.Length != 2)
            {
                throw new ArgumentException($"ConvLSTM2D layer '{Name}' expects 2 initial states [h, c] but got {initialState.Length}.", nameof(initialState));
            }
            var expected = ChannelsFirst ? new Shape(b, stateShape[3], stateShape[1], stateShape[2]) : stateShape;
            for (int i = 0; i < 2; i++)
            {
                if (initialState[i].Shape != expected)
                {
                    throw new ArgumentException($"ConvLSTM2D layer '{Name}': initial state {i} has shape {initialState[i].Shape}, expected {expected}.", nameof(initialState));
                }
            }
            h = ChannelsFirst ? Ops.Transpose(initialState[0], 0, 2, 3, 1) : initialState[0];
            c = ChannelsFirst ? Ops.Transpose(initialState[1], 0, 2, 3, 1) : initialState[1];
        }
        else
        {
            h = Tensor.Zeros(stateShape);
            c = Tensor.Zeros(stateShape);
        }
        // Keras draws each mask once per sequence, at the first step: the input masks, then the recurrent ones.
        if (training && Dropout > 0 && inputMasks is null)
        {
            inputMasks = DropoutMasks(inputs, new Shape(b, 1, x.Shape[2], x.Shape[3], x.Shape[4]), Dropout, _rng);
        }
        if (training && RecurrentDropout > 0 && recurrentMasks is null)
        {
            recurrentMasks = DropoutMasks(inputs, stateShape, RecurrentDropout, _rng);
        }
        // One input convolution for every step, folded into the batch, then one (batch, time, features) row per step.
        var conv = inputMasks is null ? _cell.InputConv(Ops.Reshape(x, b * t, x.Shape[2], x.Shape[3], x.Shape[4])) : _cell.InputConv(x, inputMasks);
        var projected = Ops.Reshape(conv, b, t, -1);
        var outputs = new List<Tensor>(t);
        for (int s = 0; s < t; s++)
        {
            int step = GoBackwards ? t - 1 - s : s;
            var part = Ops.Reshape(Ops.TimeStep(projected, step), b, stateShape[1], stateShape[2], 4 * Filters);
            (h, c) = _cell.Step(part, h, c, recurrentMasks);
            outputs.Add(h);
        }
        var y = ReturnSequences ? Ops.Stack(outputs, axis: 1) : h;
        if (ChannelsFirst)
        {
            y = ReturnSequences ? Ops.Transpose(y, 0, 1, 4, 2, 3) : Ops.Transpose(y, 0, 3, 1, 2);
            h = Ops.Transpose(h, 0, 3, 1, 2);
            c = Ops.Transpose(c, 0, 3, 1, 2);
        }
        return [y, h, c];
    }

    /// <summary>Keras's ConvLSTM2D config: the RNN fields, then the cell's fields flattened in, as Keras writes them.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["return_sequences"] = ReturnSequences;
        c["return_state"] = ReturnState;
        c["go_backwards"] = GoBackwards;
        c["stateful"] = false;
        c["unroll"] = false;
        c["zero_output_for_mask"] = false;
        c["filters"] = Filters;
        c["kernel_size"] = new JsonArray(KernelSize.Height, KernelSize.Width);
        c["strides"] = new JsonArray(Strides.Height, Strides.Width);
        c["padding"] = Padding;
        c["data_format"] = DataFormat;
        c["dilation_rate"] = new JsonArray(DilationRate.Height, DilationRate.Width);
        c["activation"] = Activation.Name;
        c["recurrent_activation"] = RecurrentActivation.Name;
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KerasSerializer.Serialize(KernelInitializer);
        c["recurrent_initializer"] = KerasSerializer.Serialize(RecurrentInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        c["unit_forget_bias"] = UnitForgetBias;
        c["kernel_regularizer"] = KerasSerializer.Serialize(KernelRegularizer);
        c["recurrent_regularizer"] = KerasSerializer.Serialize(RecurrentRegularizer);
        c["bias_regularizer"] = KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = KerasSerializer.Serialize(ActivityRegularizer);
        c["kernel_constraint"] = KerasSerializer.Serialize(KernelConstraint);
        c["recurrent_constraint"] = KerasSerializer.Serialize(RecurrentConstraint);
        c["bias_constraint"] = KerasSerializer.Serialize(BiasConstraint);
        c["dropout"] = Dropout;
        c["recurrent_dropout"] = RecurrentDropout;
        c["seed"] = Seed;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static ConvLSTM2D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ConvLSTM2D(Cfg.Int(config, "filters"), ConvLayerConfigs.Size(config, "kernel_size"), ConvLayerConfigs.Size(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), Cfg.OptionalString(config, "data_format"), ConvLayerConfigs.Size(config, "dilation_rate", 1),
            RecurrentConfigs.Act(config, "activation", "tanh"), RecurrentConfigs.Act(config, "recurrent_activation", "sigmoid"), Cfg.Bool(config, "use_bias", true),
            KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["recurrent_initializer"], "orthogonal"),
            KerasSerializer.Initializer(config["bias_initializer"], "zeros"), Cfg.Bool(config, "unit_forget_bias", true),
            Cfg.Double(config, "dropout", 0), Cfg.Double(config, "recurrent_dropout", 0), Cfg.OptionalInt(config, "seed"),
            Cfg.Bool(config, "return_sequences", false), Cfg.Bool(config, "return_state", false), Cfg.Bool(config, "go_backwards", false),
            Cfg.Bool(config, "stateful", false), Cfg.Name(config),
            KerasSerializer.Regularizer(config["kernel_regularizer"]), KerasSerializer.Regularizer(config["recurrent_regularizer"]),
            KerasSerializer.Regularizer(config["bias_regularizer"]), null,
            KerasSerializer.Constraint(config["kernel_constraint"]), KerasSerializer.Constraint(config["recurrent_constraint"]),
            KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
