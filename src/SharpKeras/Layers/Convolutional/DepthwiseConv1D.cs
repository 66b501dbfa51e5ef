using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Depthwise 1-D convolution (<c>keras.layers.DepthwiseConv1D</c>) over (batch, steps, channels): each input
/// channel is convolved with its own depth_multiplier filters; kernel (kernel_size, channels, depth_multiplier),
/// output channels = channels * depth_multiplier.
/// </summary>
public sealed class DepthwiseConv1D : Layer, IKerasSerializable<DepthwiseConv1D>
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>A DepthwiseConv1D layer with Keras 3 defaults (strides 1, "valid", depth_multiplier 1, bias).</summary>
    public DepthwiseConv1D(int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1, int dilationRate = 1,
        ActivationFunction? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null, string? name = null,
        Regularizers.Regularizer? depthwiseRegularizer = null, Regularizers.Regularizer? biasRegularizer = null, Regularizers.Regularizer? activityRegularizer = null,
        Constraints.Constraint? depthwiseConstraint = null, Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        if (kernelSize <= 0 || strides <= 0 || dilationRate <= 0 || depthMultiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"DepthwiseConv1D: kernelSize ({kernelSize}), strides ({strides}), dilationRate ({dilationRate}) and depthMultiplier ({depthMultiplier}) must be positive.");
        }
        KernelSize = kernelSize;
        Strides = strides;
        DilationRate = dilationRate;
        DepthMultiplier = depthMultiplier;
        Padding = Ops.CheckPadding(padding, allowCausal: false);
        Activation = activation ?? Activations.Get("linear");
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        DepthwiseRegularizer = depthwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>The window length.</summary>
    public int KernelSize { get; }

    /// <summary>The step.</summary>
    public int Strides { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int DilationRate { get; }

    /// <summary>Filters per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Initializer of depthwise_kernel (default glorot_uniform).</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The penalty on depthwise_kernel (Keras's <c>depthwise_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? DepthwiseRegularizer { get; }

    /// <summary>The penalty on the bias (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of depthwise_kernel after each update (Keras's <c>depthwise_constraint</c>), if any.</summary>
    public Constraints.Constraint? DepthwiseConstraint { get; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>depthwise_kernel (kernel_size, channels, depth_multiplier); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (channels * depth_multiplier,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 1);
        int c = inputShape[-1];
        _kernel = AddWeight("kernel", new Shape(KernelSize, c, DepthMultiplier), DepthwiseInitializer, true, DepthwiseRegularizer, DepthwiseConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(c * DepthMultiplier), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        ConvShapes.CheckChannels(this, inputShape, 1, _kernel!.Shape[1]);
        ComputeOutputShape(inputShape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        ConvShapes.Output(this, inputShape, [KernelSize], [Strides], [DilationRate], Padding, inputShape[-1] * DepthMultiplier);

    /// <summary>The depthwise convolution of a sequence as that of a one-row image with a 1 x k kernel.</summary>
    internal static Tensor Depthwise1D(Tensor inputs, Tensor kernel, int strides, string padding, int dilation)
    {
        var s = inputs.Shape;
        var image = Ops.Reshape(inputs, s[0], 1, s[1], s[2]);
        var k = Ops.Reshape(kernel, 1, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]);
        var y = Ops.DepthwiseConvolve(image, k, [1, strides], padding, [1, dilation]);
        return Ops.Reshape(y, s[0], y.Shape[2], y.Shape[3]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var y = Depthwise1D(inputs, _kernel!.Value, Strides, Padding, DilationRate);
        if (_bias is not null)
        {
            y = Ops.Add(y, _bias.Value);
        }
        return Activation.Call(y);
    }

    /// <summary>Keras's DepthwiseConv1D config (depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate, depthwise_*, ...).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["depth_multiplier"] = DepthMultiplier;
        c["kernel_size"] = new JsonArray(KernelSize);
        c["strides"] = new JsonArray(Strides);
        c["padding"] = Padding;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = new JsonArray(DilationRate);
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["depthwise_initializer"] = KerasSerializer.Serialize(DepthwiseInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        c["depthwise_regularizer"] = KerasSerializer.Serialize(DepthwiseRegularizer);
        c["bias_regularizer"] = KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = KerasSerializer.Serialize(ActivityRegularizer);
        c["depthwise_constraint"] = KerasSerializer.Serialize(DepthwiseConstraint);
        c["bias_constraint"] = KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static DepthwiseConv1D FromConfig(JsonObject config)
    {
        var name = ConvLayerConfigs.CheckedLayout(config);
        return new DepthwiseConv1D(ConvLayerConfigs.One(config, "kernel_size"), ConvLayerConfigs.One(config, "strides", 1), Cfg.String(config, "padding", "valid"),
            Cfg.Int(config, "depth_multiplier", 1), ConvLayerConfigs.One(config, "dilation_rate", 1), ConvLayerConfigs.Activation(config),
            Cfg.Bool(config, "use_bias", true), KerasSerializer.Initializer(config["depthwise_initializer"], "glorot_uniform"),
            KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name,
            depthwiseRegularizer: KerasSerializer.Regularizer(config["depthwise_regularizer"]), biasRegularizer: KerasSerializer.Regularizer(config["bias_regularizer"]),
            depthwiseConstraint: KerasSerializer.Constraint(config["depthwise_constraint"]), biasConstraint: KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
