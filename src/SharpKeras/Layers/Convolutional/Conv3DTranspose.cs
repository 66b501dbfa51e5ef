using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>
/// Transposed 3-D convolution (<c>keras.layers.Conv3DTranspose</c>): the gradient of a 3-D convolution
/// with respect to its input, used to upsample volumes; kernel (kd, kh, kw, filters, input_channels).
/// Output size per axis: size * stride ("same") or size * stride + max(kernel - stride, 0) ("valid"),
/// or, with output_padding, (size - 1) * stride + kernel - 2 * (kernel // 2 for "same") + output_padding.
/// </summary>
public sealed class Conv3DTranspose : Layer, IKerasSerializable<Conv3DTranspose>
{
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilation;
    private readonly int[]? _outputPadding;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>A Conv3DTranspose layer with Keras 3 defaults (strides 1, "valid", no output_padding, dilation 1, linear, bias).</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window size: an int or (depth, height, width).</param>
    /// <param name="strides">Upsampling step (default 1).</param>
    /// <param name="padding">"valid" (default) or "same".</param>
    /// <param name="outputPadding">Extra size added to one side of each output axis (Keras's <c>output_padding</c>, each below its stride), or null.</param>
    /// <param name="dilationRate">Spacing between kernel taps (default 1).</param>
    /// <param name="activation">Activation (default linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="name">Layer name (default conv3d_transpose, ...).</param>
    /// <param name="kernelRegularizer">Penalty on the kernel (Keras's <c>kernel_regularizer</c>).</param>
    /// <param name="biasRegularizer">Penalty on the bias (Keras's <c>bias_regularizer</c>).</param>
    /// <param name="activityRegularizer">Penalty on the output (Keras's <c>activity_regularizer</c>).</param>
    /// <param name="kernelConstraint">Projection of the kernel after each update (Keras's <c>kernel_constraint</c>).</param>
    /// <param name="biasConstraint">Projection of the bias after each update (Keras's <c>bias_constraint</c>).</param>
    /// <param name="inputShape">Optional per-sample input shape (depth, height, width, channels), as Keras's <c>input_shape</c>.</param>
    /// <param name="batchSize">Optional batch size completing <paramref name="inputShape"/>, as Keras's <c>batch_size</c>.</param>
    public Conv3DTranspose(int filters, Size3D kernelSize, Size3D? strides = null, string padding = "valid", Size3D? outputPadding = null, Size3D? dilationRate = null,
        ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null, Regularizers.Regularizer? activityRegularizer = null,
        Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        var s = strides ?? 1;
        var d = dilationRate ?? 1;
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"Conv3DTranspose: filters must be a positive integer, got {filters}.");
        }
        _kernelSize = kernelSize.ToArray();
        _strides = s.ToArray();
        _dilation = d.ToArray();
        if (_kernelSize.Concat(_strides).Concat(_dilation).Any(v => v <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv3DTranspose: kernelSize {kernelSize}, strides {s} and dilationRate {d} must be positive.");
        }
        if (_strides.Any(v => v > 1) && _dilation.Any(v => v > 1))
        {
            throw new ArgumentException($"Conv3DTranspose: strides > 1 together with dilationRate > 1 is not supported (Keras raises the same), got strides {s} and dilationRate {d}.");
        }
        if (outputPadding is { } op)
        {
            _outputPadding = op.ToArray();
            for (int i = 0; i < 3; i++)
            {
                if (_outputPadding[i] < 0 || _outputPadding[i] >= _strides[i])
                {
                    throw new ArgumentOutOfRangeException(nameof(outputPadding), $"Conv3DTranspose: output_padding must be non-negative and strictly less than strides on every axis; at axis {i} output_padding is {_outputPadding[i]} but strides is {_strides[i]} (outputPadding {op}, strides {s}).");
                }
            }
        }
        Filters = filters;
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
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The window size (depth, height, width).</summary>
    public Size3D KernelSize => new(_kernelSize[0], _kernelSize[1], _kernelSize[2]);

    /// <summary>The upsampling step (depth, height, width).</summary>
    public Size3D Strides => new(_strides[0], _strides[1], _strides[2]);

    /// <summary>The spacing between kernel taps (depth, height, width).</summary>
    public Size3D DilationRate => new(_dilation[0], _dilation[1], _dilation[2]);

    /// <summary>Keras's <c>output_padding</c> (depth, height, width), or null when the output size follows from padding alone.</summary>
    public Size3D? OutputPadding => _outputPadding is { } p ? new Size3D(p[0], p[1], p[2]) : null;

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Initializer of the kernel (default glorot_uniform).</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The penalty on the kernel (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? KernelRegularizer { get; }

    /// <summary>The penalty on the bias (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the kernel after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraints.Constraint? KernelConstraint { get; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>The kernel (kd, kh, kw, filters, input_channels); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 3);
        _kernel = AddWeight("kernel", new Shape([.. _kernelSize, Filters, inputShape[-1]]), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ConvShapes.CheckChannels(this, inputShape, 3, _kernel!.Shape[4]);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 3);
        var dims = inputShape.ToArray();
        for (int i = 0; i < 3; i++)
        {
            dims[1 + i] = inputShape[1 + i] < 0 ? -1
                : Ops.ConvTransposeOutputLength(inputShape[1 + i], _kernelSize[i], _strides[i], _dilation[i], Padding, _outputPadding?[i]);
        }
        dims[4] = Filters;
        return new Shape(dims);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var y = Ops.ConvolveTranspose3D(inputs, _kernel!.Value, _strides, Padding, _outputPadding, _dilation);
        if (_bias is not null)
        {
            y = Ops.Add(y, _bias.Value);
        }
        return Activation.Call(y);
    }

    /// <summary>Keras's Conv3DTranspose config (filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate, activation, ...).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = KernelSize.ToJson();
        c["strides"] = Strides.ToJson();
        c["padding"] = Padding;
        c["output_padding"] = OutputPadding?.ToJson();
        c["data_format"] = "channels_last";
        c["dilation_rate"] = DilationRate.ToJson();
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
    public static Conv3DTranspose FromConfig(JsonObject config)
    {
        var name = ConvLayerConfigs.CheckedLayout(config);
        return new Conv3DTranspose(Cfg.Int(config, "filters"), Size3D.FromConfig(config, "kernel_size"), Size3D.FromConfig(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), Size3D.OptionalFromConfig(config, "output_padding"), Size3D.FromConfig(config, "dilation_rate", 1),
            ConvLayerConfigs.Activation(config), Cfg.Bool(config, "use_bias", true),
            KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name,
            kernelRegularizer: KerasSerializer.Regularizer(config["kernel_regularizer"]), biasRegularizer: KerasSerializer.Regularizer(config["bias_regularizer"]),
            activityRegularizer: KerasSerializer.Regularizer(config["activity_regularizer"]),
            kernelConstraint: KerasSerializer.Constraint(config["kernel_constraint"]), biasConstraint: KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
