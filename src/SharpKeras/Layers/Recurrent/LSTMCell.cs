using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Keras's LSTMCell. Weights as Keras: kernel (input, 4*units), recurrent_kernel (units, 4*units)
/// and bias (4*units), gates in the order i, f, c, o; states [h, c].
/// </summary>
public sealed class LSTMCell : RecurrentCell, IKerasSerializable<LSTMCell>
{
    private Variable? _kernel;
    private Variable? _recurrentKernel;
    private Variable? _bias;

    /// <summary>A cell of <paramref name="units"/> units (defaults as Keras: tanh, sigmoid, glorot_uniform, orthogonal, zeros, unit forget bias).</summary>
    public LSTMCell(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool unitForgetBias = true, string? name = null) : base(units, name)
    {
        Activation = activation ?? Activations.Get("tanh");
        RecurrentActivation = recurrentActivation ?? Activations.Get("sigmoid");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        RecurrentInitializer = recurrentInitializer ?? new Orthogonal();
        BiasInitializer = biasInitializer ?? new Zeros();
        UnitForgetBias = unitForgetBias;
    }

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

    /// <inheritdoc/>
    public override IReadOnlyList<int> StateSize => [Units, Units];

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        _kernel = AddWeight("kernel", new Shape(inputShape[-1], 4 * Units), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        _recurrentKernel = AddWeight("recurrent_kernel", new Shape(Units, 4 * Units), RecurrentInitializer, true, RecurrentRegularizer, RecurrentConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(4 * Units), UnitForgetBias ? new ForgetBiasOnes(BiasInitializer, Units) : BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <summary>Keras's unit_forget_bias initial bias: the bias initializer for i, ones for f, the initializer for c and o.</summary>
    private sealed class ForgetBiasOnes(Initializer inner, int units) : Initializer
    {
        public override Tensor Call(Shape shape)
        {
            var t = Tensor.Zeros(shape);
            var s = t.Span;
            inner.Call(new Shape(units)).Span.CopyTo(s[..units]);
            s.Slice(units, units).Fill(1f);
            inner.Call(new Shape(2 * units)).Span.CopyTo(s[(2 * units)..]);
            return t;
        }
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor[] States) Step(Tensor input, IReadOnlyList<Tensor> states, bool training)
    {
        EnsureBuilt(input.Shape);
        int u = Units;
        var z = Ops.Add(Ops.MatMul(input, _kernel!.Value), Ops.MatMul(states[0], _recurrentKernel!.Value));
        if (_bias is not null)
        {
            z = Ops.Add(z, _bias.Value);
        }
        var i = RecurrentActivation.Call(Ops.SliceLast(z, 0, u));
        var f = RecurrentActivation.Call(Ops.SliceLast(z, u, u));
        var g = Activation.Call(Ops.SliceLast(z, 2 * u, u));
        var o = RecurrentActivation.Call(Ops.SliceLast(z, 3 * u, u));
        var c = Ops.Add(Ops.Multiply(f, states[1]), Ops.Multiply(i, g));
        var h = Ops.Multiply(o, Activation.Call(c));
        return (h, [h, c]);
    }

    internal override FusedCell? Fused => Activation.Fusable is { } a && RecurrentActivation.Fusable is { } ra
        ? new FusedCell(Backend.RecurrentKind.Lstm, a, ra, _kernel!.Value, _recurrentKernel!.Value, _bias?.Value)
        : null;

    /// <summary>Keras's LSTMCell config: units, activations, initializers, then null regularizers and zero dropout.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["units"] = Units;
        c["activation"] = Activation.Name;
        c["recurrent_activation"] = RecurrentActivation.Name;
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KerasSerializer.Serialize(KernelInitializer);
        c["recurrent_initializer"] = KerasSerializer.Serialize(RecurrentInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        c["unit_forget_bias"] = UnitForgetBias;
        RecurrentConfigs.WriteCellTail(c, this);
        c["seed"] = null;
        return c;
    }

    /// <summary>Recreates the cell from its config (Keras's <c>from_config</c>); a cell's own dropout is refused (see RNN layers).</summary>
    public static LSTMCell FromConfig(JsonObject config)
    {
        RecurrentConfigs.CheckCellDropout(config);
        return Read(config, RecurrentConfigs.Checked(config));
    }

    /// <summary>The cell fields of a cell config or of the flattened config of its recurrent layer.</summary>
    internal static LSTMCell Read(JsonObject config, string? name) => new(Cfg.Int(config, "units"), RecurrentConfigs.Act(config, "activation", "tanh"),
        RecurrentConfigs.Act(config, "recurrent_activation", "sigmoid"), Cfg.Bool(config, "use_bias", true),
        KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["recurrent_initializer"], "orthogonal"),
        KerasSerializer.Initializer(config["bias_initializer"], "zeros"), Cfg.Bool(config, "unit_forget_bias", true), name)
    {
        KernelRegularizer = KerasSerializer.Regularizer(config["kernel_regularizer"]),
        RecurrentRegularizer = KerasSerializer.Regularizer(config["recurrent_regularizer"]),
        BiasRegularizer = KerasSerializer.Regularizer(config["bias_regularizer"]),
        KernelConstraint = KerasSerializer.Constraint(config["kernel_constraint"]),
        RecurrentConstraint = KerasSerializer.Constraint(config["recurrent_constraint"]),
        BiasConstraint = KerasSerializer.Constraint(config["bias_constraint"]),
    };
}
