using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>Keras's SimpleRNNCell: h = activation(x @ kernel + bias + h_prev @ recurrent_kernel).</summary>
public sealed class SimpleRNNCell : RecurrentCell, IKerasSerializable<SimpleRNNCell>
{
    private Variable? _kernel;
    private Variable? _recurrentKernel;
    private Variable? _bias;

    /// <summary>A cell of <paramref name="units"/> units (defaults as Keras: tanh, glorot_uniform, orthogonal, zeros).</summary>
    public SimpleRNNCell(int units, ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? recurrentInitializer = null, Initializer? biasInitializer = null, string? name = null) : base(units, name)
    {
        Activation = activation ?? Activations.Get("tanh");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        RecurrentInitializer = recurrentInitializer ?? new Orthogonal();
        BiasInitializer = biasInitializer ?? new Zeros();
    }

    /// <summary>The activation (default tanh).</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Initializer of the kernel.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the recurrent kernel.</summary>
    public Initializer RecurrentInitializer { get; }

    /// <summary>Initializer of the bias.</summary>
    public Initializer BiasInitializer { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<int> StateSize => [Units];

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        _kernel = AddWeight("kernel", new Shape(inputShape[-1], Units), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        _recurrentKernel = AddWeight("recurrent_kernel", new Shape(Units, Units), RecurrentInitializer, true, RecurrentRegularizer, RecurrentConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Units), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor[] States) Step(Tensor input, IReadOnlyList<Tensor> states, bool training)
    {
        EnsureBuilt(input.Shape);
        var z = Ops.MatMul(input, _kernel!.Value);
        if (_bias is not null)
        {
            z = Ops.Add(z, _bias.Value);
        }
        var h = Activation.Call(Ops.Add(z, Ops.MatMul(states[0], _recurrentKernel!.Value)));
        return (h, [h]);
    }

    internal override FusedCell? Fused => Activation.Fusable is { } a
        ? new FusedCell(Backend.RecurrentKind.SimpleRnn, a, default, _kernel!.Value, _recurrentKernel!.Value, _bias?.Value)
        : null;

    /// <summary>Keras's SimpleRNNCell config: units, activations, initializers, then null regularizers and zero dropout.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["units"] = Units;
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KerasSerializer.Serialize(KernelInitializer);
        c["recurrent_initializer"] = KerasSerializer.Serialize(RecurrentInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        RecurrentConfigs.WriteCellTail(c, this);
        c["seed"] = null;
        return c;
    }

    /// <summary>Recreates the cell from its config (Keras's <c>from_config</c>); a cell's own dropout is refused (see RNN layers).</summary>
    public static SimpleRNNCell FromConfig(JsonObject config)
    {
        RecurrentConfigs.CheckCellDropout(config);
        return Read(config, RecurrentConfigs.Checked(config));
    }

    /// <summary>The cell fields of a cell config or of the flattened config of its recurrent layer.</summary>
    internal static SimpleRNNCell Read(JsonObject config, string? name) => new(Cfg.Int(config, "units"), RecurrentConfigs.Act(config, "activation", "tanh"),
        Cfg.Bool(config, "use_bias", true),
        KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["recurrent_initializer"], "orthogonal"),
        KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name)
    {
        KernelRegularizer = KerasSerializer.Regularizer(config["kernel_regularizer"]),
        RecurrentRegularizer = KerasSerializer.Regularizer(config["recurrent_regularizer"]),
        BiasRegularizer = KerasSerializer.Regularizer(config["bias_regularizer"]),
        KernelConstraint = KerasSerializer.Constraint(config["kernel_constraint"]),
        RecurrentConstraint = KerasSerializer.Constraint(config["recurrent_constraint"]),
        BiasConstraint = KerasSerializer.Constraint(config["bias_constraint"]),
    };
}
