using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Keras's GRUCell. Weights as Keras: kernel (input, 3*units), recurrent_kernel (units, 3*units),
/// gates in the order z, r, h; bias (2, 3*units) (input bias, recurrent bias) when
/// <see cref="ResetAfter"/> (the default), else (3*units).
/// </summary>
public sealed class GRUCell : RecurrentCell, IKerasSerializable<GRUCell>
{
    private Variable? _kernel;
    private Variable? _recurrentKernel;
    private Variable? _bias;

    /// <summary>A cell of <paramref name="units"/> units (defaults as Keras: tanh, sigmoid, glorot_uniform, orthogonal, zeros, reset_after).</summary>
    public GRUCell(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool resetAfter = true, string? name = null) : base(units, name)
    {
        Activation = activation ?? Activations.Get("tanh");
        RecurrentActivation = recurrentActivation ?? Activations.Get("sigmoid");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        RecurrentInitializer = recurrentInitializer ?? new Orthogonal();
        BiasInitializer = biasInitializer ?? new Zeros();
        ResetAfter = resetAfter;
    }

    /// <summary>The activation of the candidate state (default tanh).</summary>
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

    /// <summary>Whether the reset gate is applied after the recurrent matrix multiply (Keras's reset_after, default true).</summary>
    public bool ResetAfter { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<int> StateSize => [Units];

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        _kernel = AddWeight("kernel", new Shape(inputShape[-1], 3 * Units), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        _recurrentKernel = AddWeight("recurrent_kernel", new Shape(Units, 3 * Units), RecurrentInitializer, true, RecurrentRegularizer, RecurrentConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", ResetAfter ? new Shape(2, 3 * Units) : new Shape(3 * Units), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor[] States) Step(Tensor input, IReadOnlyList<Tensor> states, bool training)
    {
        EnsureBuilt(input.Shape);
        int u = Units;
        var hPrev = states[0];
        var mx = Ops.MatMul(input, _kernel!.Value);
        Tensor? recBias = null;
        if (_bias is not null)
        {
            var flat = Ops.Reshape(_bias.Value, -1);
            mx = Ops.Add(mx, ResetAfter ? Ops.SliceLast(flat, 0, 3 * u) : flat);
            recBias = ResetAfter ? Ops.SliceLast(flat, 3 * u, 3 * u) : null;
        }
        Tensor z, r, hh;
        if (ResetAfter)
        {
            var mi = Ops.MatMul(hPrev, _recurrentKernel!.Value);
            if (recBias is not null)
            {
                mi = Ops.Add(mi, recBias);
            }
            z = RecurrentActivation.Call(Ops.Add(Ops.SliceLast(mx, 0, u), Ops.SliceLast(mi, 0, u)));
            r = RecurrentActivation.Call(Ops.Add(Ops.SliceLast(mx, u, u), Ops.SliceLast(mi, u, u)));
            hh = Activation.Call(Ops.Add(Ops.SliceLast(mx, 2 * u, u), Ops.Multiply(r, Ops.SliceLast(mi, 2 * u, u))));
        }
        else
        {
            var mi = Ops.MatMul(hPrev, Ops.SliceLast(_recurrentKernel!.Value, 0, 2 * u));
            z = RecurrentActivation.Call(Ops.Add(Ops.SliceLast(mx, 0, u), Ops.SliceLast(mi, 0, u)));
            r = RecurrentActivation.Call(Ops.Add(Ops.SliceLast(mx, u, u), Ops.SliceLast(mi, u, u)));
            var rh = Ops.MatMul(Ops.Multiply(r, hPrev), Ops.SliceLast(_recurrentKernel.Value, 2 * u, u));
            hh = Activation.Call(Ops.Add(Ops.SliceLast(mx, 2 * u, u), rh));
        }
        // h = z * h_prev + (1 - z) * hh, written as hh + z * (h_prev - hh).
        var h = Ops.Add(hh, Ops.Multiply(z, Ops.Subtract(hPrev, hh)));
        return (h, [h]);
    }

    internal override FusedCell? Fused => ResetAfter && Activation.Fusable is { } a && RecurrentActivation.Fusable is { } ra
        ? new FusedCell(Backend.RecurrentKind.Gru, a, ra, _kernel!.Value, _recurrentKernel!.Value, _bias?.Value)
        : null;

    /// <summary>Keras's GRUCell config: units, activations, initializers, then null regularizers and zero dropout.</summary>
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
        RecurrentConfigs.WriteCellTail(c, this);
        c["reset_after"] = ResetAfter;
        c["seed"] = null;
        return c;
    }

    /// <summary>Recreates the cell from its config (Keras's <c>from_config</c>); a cell's own dropout is refused (see RNN layers).</summary>
    public static GRUCell FromConfig(JsonObject config)
    {
        RecurrentConfigs.CheckCellDropout(config);
        return Read(config, RecurrentConfigs.Checked(config));
    }

    /// <summary>The cell fields of a cell config or of the flattened config of its recurrent layer.</summary>
    internal static GRUCell Read(JsonObject config, string? name) => new(Cfg.Int(config, "units"), RecurrentConfigs.Act(config, "activation", "tanh"),
        RecurrentConfigs.Act(config, "recurrent_activation", "sigmoid"), Cfg.Bool(config, "use_bias", true),
        KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["recurrent_initializer"], "orthogonal"),
        KerasSerializer.Initializer(config["bias_initializer"], "zeros"), Cfg.Bool(config, "reset_after", true), name)
    {
        KernelRegularizer = KerasSerializer.Regularizer(config["kernel_regularizer"]),
        RecurrentRegularizer = KerasSerializer.Regularizer(config["recurrent_regularizer"]),
        BiasRegularizer = KerasSerializer.Regularizer(config["bias_regularizer"]),
        KernelConstraint = KerasSerializer.Constraint(config["kernel_constraint"]),
        RecurrentConstraint = KerasSerializer.Constraint(config["recurrent_constraint"]),
        BiasConstraint = KerasSerializer.Constraint(config["bias_constraint"]),
    };
}
