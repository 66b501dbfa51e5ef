using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>
/// 3-D convolution layer (<c>keras.layers.Conv3D</c>) over (batch, depth, height, width, channels)
/// volumes: <see cref="Filters"/> kernels of shape (kd, kh, kw, channels / groups) give
/// (batch, new_depth, new_height, new_width, filters); the kernel weight is (kd, kh, kw, channels / groups, filters).
/// </summary>
public sealed class Conv3D : Layer, IKerasSerializable<Conv3D>
{
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilation;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>A Conv3D layer with Keras 3 defaults (strides 1, "valid", dilation 1, one group, linear, bias, glorot_uniform kernel, zeros bias).</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window size: an int or (depth, height, width).</param>
    /// <param name="strides">Step (default 1).</param>
    /// <param name="padding">"valid" (default) or "same".</param>
    /// <param name="dilationRate">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Channel groups convolved separately (Keras's <c>groups</c>, default 1); channels and filters must be multiples of it.</param>
    /// <param name="activation">Activation (default linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="name">Layer name (default conv3d, conv3d_1, ...).</param>
    /// <param name="inputShape">Optional per-sample input shape (depth, height, width, channels), as Keras's <c>input_shape</c>.</param>
    /// <param name="batchSize">Optional batch size completing <paramref name="inputShape"/>, as Keras's <c>batch_size</c>.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel (Keras's <c>kernel_regularizer</c>).</param>
    /// <param name="biasRegularizer">Penalty on the bias (Keras's <c>bias_regularizer</c>).</param>
    /// <param name="activityRegularizer">Penalty on the output (Keras's <c>activity_regularizer</c>).</param>
    /// <param name="kernelConstraint">Projection of the kernel after each update (Keras's <c>kernel_constraint</c>).</param>
    /// <param name="biasConstraint">Projection of the bias after each update (Keras's <c>bias_constraint</c>).</param>
    public Conv3D(int filters, Size3D kernelSize, Size3D? strides = null, string padding = "valid", Size3D? dilationRate = null, int groups = 1,
        ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null,
        int[]? inputShape = null, int? batchSize = null, Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
        Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null)
        : base(name, inputShape, batchSize)
    {
        var s = strides ?? 1;
        var d = dilationRate ?? 1;
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"Conv3D: filters must be a positive integer, got {filters}.");
        }
        if (groups <= 0 || filters % groups != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv3D: groups must be a positive integer dividing filters ({filters}), got {groups}.");
        }
        _kernelSize = kernelSize.ToArray();
        _strides = s.ToArray();
        _dilation = d.ToArray();
        Positive(_kernelSize, "kernelSize");
        Positive(_strides, "strides");
        Positive(_dilation, "dilationRate");
        if (_strides.Any(v => v > 1) && _dilation.Any(v => v > 1))
        {
            throw new ArgumentException($"Conv3D: strides > 1 together with dilationRate > 1 is not supported (Keras raises the same), got strides {s} and dilationRate {d}.");
        }
        Filters = filters;
        Groups = groups;
        Padding = Ops.CheckPadding(padding, allowCausal: false);
        Activation = activation ?? Activations.Get("linear");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;

        static void Positive(int[] values, string what)
        {
            if (values.Any(v => v <= 0))
            {
                throw new ArgumentOutOfRangeException(what, $"Conv3D: {what} must be positive integers, got ({string.Join(", ", values)}).");
            }
        }
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The window size (depth, height, width).</summary>
    public Size3D KernelSize => new(_kernelSize[0], _kernelSize[1], _kernelSize[2]);

    /// <summary>The step (depth, height, width).</summary>
    public Size3D Strides => new(_strides[0], _strides[1], _strides[2]);

    /// <summary>The spacing between kernel taps (depth, height, width).</summary>
    public Size3D DilationRate => new(_dilation[0], _dilation[1], _dilation[2]);

    /// <summary>Channel groups convolved separately (Keras's <c>groups</c>).</summary>
    public int Groups { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias vector is added.</summary>
    public bool UseBias { get; }

    /// <summary>Initializer of the kernel (default glorot_uniform).</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The penalty on the kernel added to the loss (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? KernelRegularizer { get; }

    /// <summary>The penalty on the bias added to the loss (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the kernel after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraints.Constraint? KernelConstraint { get; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>The kernel (kd, kh, kw, channels / groups, filters); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 3);
        int channels = inputShape[-1];
        if (channels % Groups != 0)
        {
            throw IncompatibleInput(inputShape, $"the input channels ({channels}) must be a multiple of groups ({Groups})");
        }
        _kernel = AddWeight("kernel", new Shape([.. _kernelSize, channels / Groups, Filters]), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        ConvShapes.CheckChannels(this, inputShape, 3, _kernel!.Shape[3] * Groups);
        ComputeOutputShape(inputShape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => ConvShapes.Output(this, inputShape, _kernelSize, _strides, _dilation, Padding, Filters);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var fused = Activation.Epilogue;
        var y = Ops.Convolve3D(inputs, _kernel!.Value, _bias?.Value, _strides, Padding, _dilation, fused ?? default);
        return fused is null ? Activation.Call(y) : y;
    }

    /// <summary>Keras's Conv3D config (filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation, use_bias, initializers, regularizers, constraints).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = KernelSize.ToJson();
        c["strides"] = Strides.ToJson();
        c["padding"] = Padding;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = DilationRate.ToJson();
        c["groups"] = Groups;
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KerasSerializer.Serialize(KernelInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        c["kernel_regularizer"] = KerasSerializer.Serialize(KernelRegularizer);
        c["bias_regularizer"] = KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = KerasSerializer.Serialize(ActivityRegularizer);
        c["kernel_constraint"] = KerasSerializer.Serialize(KernelConstraint);
        c["bias_constraint"] = KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); channels_first is refused.</summary>
    public static Conv3D FromConfig(JsonObject config)
    {
        if (Cfg.String(config, "data_format", "channels_last") != "channels_last")
        {
            throw new ConfigException($"Layer {Cfg.Describe(config)}: data_format '{config["data_format"]}' is not supported; SharpKeras is channels_last.");
        }
        return new Conv3D(Cfg.Int(config, "filters"), Size3D.FromConfig(config, "kernel_size"), Size3D.FromConfig(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), Size3D.FromConfig(config, "dilation_rate", 1), config["groups"] is null ? 1 : Cfg.Int(config, "groups"),
            ConvLayerConfigs.Activation(config), Cfg.Bool(config, "use_bias", true),
            KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["bias_initializer"], "zeros"), Cfg.Name(config),
            kernelRegularizer: KerasSerializer.Regularizer(config["kernel_regularizer"]), biasRegularizer: KerasSerializer.Regularizer(config["bias_regularizer"]),
            activityRegularizer: KerasSerializer.Regularizer(config["activity_regularizer"]),
            kernelConstraint: KerasSerializer.Constraint(config["kernel_constraint"]), biasConstraint: KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
