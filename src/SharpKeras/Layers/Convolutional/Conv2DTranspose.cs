using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Transposed 2-D convolution (<c>keras.layers.Conv2DTranspose</c>): the gradient of a convolution
/// with respect to its input, used to upsample; kernel (kh, kw, filters, input_channels). Output
/// size per axis: size * stride for "same", size * stride + max(kernel - stride, 0) for "valid".
/// </summary>
public sealed class Conv2DTranspose : Layer, IKerasSerializable<Conv2DTranspose>
{
    private readonly int[] _strides;
    private readonly int[] _dilation;
    internal (int[] Strides, int[] Dilation) Geometry => (_strides, _dilation); // read by the ONNX exporter
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>A Conv2DTranspose layer with Keras 3 defaults (strides 1, "valid", bias; output_padding not supported).</summary>
    public Conv2DTranspose(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", Size2D? dilationRate = null,
        ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null, Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        var s = strides ?? 1;
        var d = dilationRate ?? 1;
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"Conv2DTranspose: filters must be a positive integer, got {filters}.");
        }
        if (kernelSize.Height <= 0 || kernelSize.Width <= 0 || s.Height <= 0 || s.Width <= 0 || d.Height <= 0 || d.Width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv2DTranspose: kernelSize {kernelSize}, strides {s} and dilationRate {d} must be positive.");
        }
        Filters = filters;
        KernelSize = kernelSize;
        _strides = [s.Height, s.Width];
        _dilation = [d.Height, d.Width];
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

    /// <summary>The window size.</summary>
    public Size2D KernelSize { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The penalty on the kernel weight added to the loss (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? KernelRegularizer { get; }

    /// <summary>The projection of the kernel weight after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraints.Constraint? KernelConstraint { get; }

    /// <summary>The penalty on the bias weight added to the loss (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the bias weight after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>Initializer of the kernel (default glorot_uniform).</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The kernel (kh, kw, filters, input_channels); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 2);
        _kernel = AddWeight("kernel", new Shape(KernelSize.Height, KernelSize.Width, Filters, inputShape[-1]), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ConvShapes.CheckChannels(this, inputShape, 2, _kernel!.Shape[3]);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 2);
        int h = inputShape[1] < 0 ? -1 : Ops.ConvTransposeLength(inputShape[1], KernelSize.Height, _strides[0], _dilation[0], Padding);
        int w = inputShape[2] < 0 ? -1 : Ops.ConvTransposeLength(inputShape[2], KernelSize.Width, _strides[1], _dilation[1], Padding);
        return new Shape(inputShape[0], h, w, Filters);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var y = Ops.ConvolveTranspose(inputs, _kernel!.Value, _strides, Padding, _dilation);
        if (_bias is not null)
        {
            y = Ops.Add(y, _bias.Value);
        }
        return Activation.Call(y);
    }

    /// <summary>Keras's Conv2DTranspose config (filters, kernel_size, output_padding null, kernel_initializer, ...).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = DepthwiseConv2D.Pair(KernelSize.Height, KernelSize.Width);
        c["strides"] = DepthwiseConv2D.Pair(_strides[0], _strides[1]);
        c["padding"] = Padding;
        c["output_padding"] = null;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = DepthwiseConv2D.Pair(_dilation[0], _dilation[1]);
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KerasSerializer.Serialize(KernelInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        c["kernel_regularizer"] = Saving.KerasSerializer.Serialize(KernelRegularizer);
        c["bias_regularizer"] = Saving.KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["kernel_constraint"] = Saving.KerasSerializer.Serialize(KernelConstraint);
        c["bias_constraint"] = Saving.KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); output_padding other than null is refused.</summary>
    public static Conv2DTranspose FromConfig(JsonObject config)
    {
        var name = ConvLayerConfigs.Checked(config, "output_padding");
        return new Conv2DTranspose(Cfg.Int(config, "filters"), ConvLayerConfigs.Size(config, "kernel_size"), ConvLayerConfigs.Size(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), ConvLayerConfigs.Size(config, "dilation_rate", 1), ConvLayerConfigs.Activation(config),
            Cfg.Bool(config, "use_bias", true), KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"),
            KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name,
            kernelRegularizer: Saving.KerasSerializer.Regularizer(config["kernel_regularizer"]), biasRegularizer: Saving.KerasSerializer.Regularizer(config["bias_regularizer"]), kernelConstraint: Saving.KerasSerializer.Constraint(config["kernel_constraint"]), biasConstraint: Saving.KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
