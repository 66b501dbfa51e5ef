using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Transposed 1-D convolution (<c>keras.layers.Conv1DTranspose</c>) over (batch, steps, channels):
/// kernel (kernel_size, filters, input_channels); output length steps * stride for "same",
/// steps * stride + max(kernel - stride, 0) for "valid".
/// </summary>
public sealed class Conv1DTranspose : Layer, IKerasSerializable<Conv1DTranspose>
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>A Conv1DTranspose layer with Keras 3 defaults (strides 1, "valid", bias; output_padding not supported).</summary>
    public Conv1DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1,
        ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null, Regularizers.Regularizer? activityRegularizer = null,
        Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"Conv1DTranspose: filters must be a positive integer, got {filters}.");
        }
        if (kernelSize <= 0 || strides <= 0 || dilationRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv1DTranspose: kernelSize ({kernelSize}), strides ({strides}) and dilationRate ({dilationRate}) must be positive.");
        }
        Filters = filters;
        KernelSize = kernelSize;
        Strides = strides;
        DilationRate = dilationRate;
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

    /// <summary>The window length.</summary>
    public int KernelSize { get; }

    /// <summary>The upsampling step.</summary>
    public int Strides { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int DilationRate { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The penalty on the kernel (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? KernelRegularizer { get; }

    /// <summary>The projection of the kernel after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraints.Constraint? KernelConstraint { get; }

    /// <summary>The penalty on the bias (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>Initializer of the kernel (default glorot_uniform).</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The kernel (kernel_size, filters, input_channels); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 1);
        _kernel = AddWeight("kernel", new Shape(KernelSize, Filters, inputShape[-1]), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ConvShapes.CheckChannels(this, inputShape, 1, _kernel!.Shape[2]);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 1);
        int l = inputShape[1] < 0 ? -1 : Ops.ConvTransposeLength(inputShape[1], KernelSize, Strides, DilationRate, Padding);
        return new Shape(inputShape[0], l, Filters);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // A sequence is a one-row image: the 2-D transposed convolution with a 1 x k kernel.
        var s = inputs.Shape;
        var k = _kernel!.Value;
        var image = Ops.Reshape(inputs, s[0], 1, s[1], s[2]);
        var kernel = Ops.Reshape(k, 1, k.Shape[0], k.Shape[1], k.Shape[2]);
        var y = Ops.ConvolveTranspose(image, kernel, [1, Strides], Padding, [1, DilationRate]);
        y = Ops.Reshape(y, s[0], y.Shape[2], Filters);
        if (_bias is not null)
        {
            y = Ops.Add(y, _bias.Value);
        }
        return Activation.Call(y);
    }

    /// <summary>Keras 3.11's Conv1DTranspose config (filters, kernel_size, strides, padding, data_format, dilation_rate, activation, ...; no output_padding key).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = new JsonArray(KernelSize);
        c["strides"] = new JsonArray(Strides);
        c["padding"] = Padding;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = new JsonArray(DilationRate);
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

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); an output_padding other than null is refused.</summary>
    public static Conv1DTranspose FromConfig(JsonObject config)
    {
        var name = ConvLayerConfigs.Checked(config, "output_padding");
        return new Conv1DTranspose(Cfg.Int(config, "filters"), ConvLayerConfigs.One(config, "kernel_size"), ConvLayerConfigs.One(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), ConvLayerConfigs.One(config, "dilation_rate", 1), ConvLayerConfigs.Activation(config),
            Cfg.Bool(config, "use_bias", true), KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"),
            KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name,
            kernelRegularizer: KerasSerializer.Regularizer(config["kernel_regularizer"]), biasRegularizer: KerasSerializer.Regularizer(config["bias_regularizer"]),
            kernelConstraint: KerasSerializer.Constraint(config["kernel_constraint"]), biasConstraint: KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
