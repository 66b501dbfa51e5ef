using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Depthwise 2-D convolution (<c>keras.layers.DepthwiseConv2D</c>): each input channel is convolved
/// with its own <see cref="DepthMultiplier"/> kernels, giving channels * depthMultiplier outputs.
/// </summary>
public sealed class DepthwiseConv2D : Layer, IKerasSerializable<DepthwiseConv2D>
{
    private readonly int[] _strides;
    private readonly int[] _dilation;
    internal (int[] Strides, int[] Dilation) Geometry => (_strides, _dilation); // read by the ONNX exporter
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>A DepthwiseConv2D layer with Keras 3 defaults (strides 1, "valid", depth multiplier 1, bias).</summary>
    public DepthwiseConv2D(Size2D kernelSize, Size2D? strides = null, string padding = "valid", int depthMultiplier = 1, Size2D? dilationRate = null,
        ActivationFunction? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null, string? name = null,
        Regularizers.Regularizer? depthwiseRegularizer = null, Regularizers.Regularizer? biasRegularizer = null, Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? depthwiseConstraint = null, Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        var s = strides ?? 1;
        var d = dilationRate ?? 1;
        if (kernelSize.Height <= 0 || kernelSize.Width <= 0 || s.Height <= 0 || s.Width <= 0 || d.Height <= 0 || d.Width <= 0 || depthMultiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"DepthwiseConv2D: kernelSize {kernelSize}, strides {s}, dilationRate {d} and depthMultiplier {depthMultiplier} must be positive.");
        }
        KernelSize = kernelSize;
        _strides = [s.Height, s.Width];
        _dilation = [d.Height, d.Width];
        Padding = Ops.CheckPadding(padding, allowCausal: false);
        DepthMultiplier = depthMultiplier;
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

    /// <summary>The window size.</summary>
    public Size2D KernelSize { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>Kernels per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The penalty on the depthwise weight added to the loss (Keras's <c>depthwise_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? DepthwiseRegularizer { get; }

    /// <summary>The projection of the depthwise weight after each update (Keras's <c>depthwise_constraint</c>), if any.</summary>
    public Constraints.Constraint? DepthwiseConstraint { get; }

    /// <summary>The penalty on the bias weight added to the loss (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the bias weight after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>Initializer of the kernel (default glorot_uniform).</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The kernel (kh, kw, channels, depth_multiplier); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (channels * depth_multiplier,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 2);
        int c = inputShape[-1];
        _kernel = AddWeight("kernel", new Shape(KernelSize.Height, KernelSize.Width, c, DepthMultiplier), DepthwiseInitializer, true, DepthwiseRegularizer, DepthwiseConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(c * DepthMultiplier), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        ConvShapes.CheckChannels(this, inputShape, 2, _kernel!.Shape[2]);
        ComputeOutputShape(inputShape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        ConvShapes.Output(this, inputShape, [KernelSize.Height, KernelSize.Width], _strides, _dilation, Padding, inputShape[-1] * DepthMultiplier);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var y = Ops.DepthwiseConvolve(inputs, _kernel!.Value, _strides, Padding, _dilation);
        if (_bias is not null)
        {
            y = Ops.Add(y, _bias.Value);
        }
        return Activation.Call(y);
    }

    /// <summary>Keras's DepthwiseConv2D config (depth_multiplier, depthwise_initializer, ...).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["depth_multiplier"] = DepthMultiplier;
        c["kernel_size"] = Pair(KernelSize.Height, KernelSize.Width);
        c["strides"] = Pair(_strides[0], _strides[1]);
        c["padding"] = Padding;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = Pair(_dilation[0], _dilation[1]);
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["depthwise_initializer"] = KerasSerializer.Serialize(DepthwiseInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        c["depthwise_regularizer"] = Saving.KerasSerializer.Serialize(DepthwiseRegularizer);
        c["bias_regularizer"] = Saving.KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["depthwise_constraint"] = Saving.KerasSerializer.Serialize(DepthwiseConstraint);
        c["bias_constraint"] = Saving.KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    internal static JsonArray Pair(int a, int b) => new(JsonValue.Create(a), JsonValue.Create(b));

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static DepthwiseConv2D FromConfig(JsonObject config)
    {
        var name = ConvLayerConfigs.CheckedLayout(config);
        return new DepthwiseConv2D(ConvLayerConfigs.Size(config, "kernel_size"), ConvLayerConfigs.Size(config, "strides", 1), Cfg.String(config, "padding", "valid"),
            Cfg.Int(config, "depth_multiplier", 1), ConvLayerConfigs.Size(config, "dilation_rate", 1), ConvLayerConfigs.Activation(config),
            Cfg.Bool(config, "use_bias", true), KerasSerializer.Initializer(config["depthwise_initializer"], "glorot_uniform"),
            KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name,
            depthwiseRegularizer: Saving.KerasSerializer.Regularizer(config["depthwise_regularizer"]), biasRegularizer: Saving.KerasSerializer.Regularizer(config["bias_regularizer"]), depthwiseConstraint: Saving.KerasSerializer.Constraint(config["depthwise_constraint"]), biasConstraint: Saving.KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
