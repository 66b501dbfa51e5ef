using System.Text.Json.Nodes;
using SharpKeras.Constraints;
using SharpKeras.Initializers;
using SharpKeras.Regularizers;

namespace SharpKeras.Layers;

/// <summary>
/// Densely-connected layer (<c>keras.layers.Dense</c>): output = activation(input @ kernel + bias),
/// applied to the last axis of the input.
/// </summary>
public sealed class Dense : Layer, Saving.IKerasSerializable<Dense>
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>
    /// A Dense layer with <paramref name="units"/> outputs. <paramref name="inputDim"/> (optional)
    /// fixes the input's last dimension, as the older Keras <c>input_dim</c> argument; the argument
    /// order (units, inputDim, activation) matches the C# program this project descends from.
    /// <paramref name="inputShape"/> (optional) declares the per-sample input shape, as Keras's <c>input_shape</c>.
    /// </summary>
    public Dense(int units, int? inputDim = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null, int[]? inputShape = null, int? batchSize = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null)
        : base(name, inputShape, batchSize, inputDim)
    {
        if (units <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(units), units, $"Dense units must be a positive integer, got {units}.");
        }
        Units = units;
        Activation = activation ?? Activations.Get("linear");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Number of output units.</summary>
    public int Units { get; }

    /// <summary>The activation applied after the affine map.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias vector is added.</summary>
    public bool UseBias { get; }

    /// <summary>Initializer of the kernel (default glorot_uniform).</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The penalty on the kernel added to the loss (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>The penalty on the bias added to the loss (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the kernel after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraint? KernelConstraint { get; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>The kernel of shape (input_dim, units); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias of shape (units,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 2 || inputShape[-1] <= 0)
        {
            throw IncompatibleInput(inputShape, "expected an input of rank >= 2 with a known last dimension");
        }
        _kernel = AddWeight("kernel", new Shape(inputShape[-1], Units), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Units), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        int expected = _kernel!.Shape[0];
        if (inputShape.Rank < 2 || inputShape[-1] != expected)
        {
            throw IncompatibleInput(inputShape, $"expected axis -1 of input shape to have value {expected}");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape.WithDim(-1, Units);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["units"] = Units;
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = Saving.KerasSerializer.Serialize(KernelInitializer);
        c["bias_initializer"] = Saving.KerasSerializer.Serialize(BiasInitializer);
        c["kernel_regularizer"] = Saving.KerasSerializer.Serialize(KernelRegularizer);
        c["bias_regularizer"] = Saving.KerasSerializer.Serialize(BiasRegularizer);
        c["kernel_constraint"] = Saving.KerasSerializer.Serialize(KernelConstraint);
        c["bias_constraint"] = Saving.KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Dense FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Dense(Saving.Cfg.Int(config, "units"), null, Saving.ConvLayerConfigs.Activation(config),
            Saving.Cfg.Bool(config, "use_bias", true),
            Saving.KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"),
            Saving.KerasSerializer.Initializer(config["bias_initializer"], "zeros"), Saving.Cfg.Name(config),
            kernelRegularizer: Saving.KerasSerializer.Regularizer(config["kernel_regularizer"]),
            biasRegularizer: Saving.KerasSerializer.Regularizer(config["bias_regularizer"]),
            kernelConstraint: Saving.KerasSerializer.Constraint(config["kernel_constraint"]),
            biasConstraint: Saving.KerasSerializer.Constraint(config["bias_constraint"]));
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // The activation says whether the multiply's epilogue applies it; if not, it runs on the fused product.
        var fused = Activation.Epilogue;
        var y = Ops.Dense(inputs, _kernel!.Value, _bias?.Value, fused ?? default);
        return fused is null ? Activation.Call(y) : y;
    }
}
