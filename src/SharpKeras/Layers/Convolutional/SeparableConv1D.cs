using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Depthwise separable 1-D convolution (<c>keras.layers.SeparableConv1D</c>) over (batch, steps, channels):
/// a depthwise convolution (depthwise_kernel (kernel_size, channels, depth_multiplier)) followed by a
/// pointwise convolution to <see cref="Filters"/> channels (pointwise_kernel (1, channels * depth_multiplier,
/// filters)), then the bias and activation.
/// </summary>
public sealed class SeparableConv1D : Layer, IKerasSerializable<SeparableConv1D>
{
    private Variable? _depthwise;
    private Variable? _pointwise;
    private Variable? _bias;

    /// <summary>A SeparableConv1D layer with Keras 3 defaults (strides 1, "valid", depth multiplier 1, bias).</summary>
    public SeparableConv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1, int depthMultiplier = 1,
        ActivationFunction? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null,
        Initializer? biasInitializer = null, string? name = null,
        Regularizers.Regularizer? depthwiseRegularizer = null, Regularizers.Regularizer? pointwiseRegularizer = null, Regularizers.Regularizer? biasRegularizer = null, Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? depthwiseConstraint = null, Constraints.Constraint? pointwiseConstraint = null, Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"SeparableConv1D: filters must be a positive integer, got {filters}.");
        }
        if (kernelSize <= 0 || strides <= 0 || dilationRate <= 0 || depthMultiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"SeparableConv1D: kernelSize ({kernelSize}), strides ({strides}), dilationRate ({dilationRate}) and depthMultiplier {depthMultiplier} must be positive.");
        }
        Filters = filters;
        KernelSize = kernelSize;
        Strides = strides;
        DilationRate = dilationRate;
        Padding = Ops.CheckPadding(padding, allowCausal: false);
        DepthMultiplier = depthMultiplier;
        Activation = activation ?? Activations.Get("linear");
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        PointwiseInitializer = pointwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        DepthwiseRegularizer = depthwiseRegularizer;
        PointwiseRegularizer = pointwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        PointwiseConstraint = pointwiseConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The depthwise window size.</summary>
    public int KernelSize { get; }

    /// <summary>The step.</summary>
    public int Strides { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int DilationRate { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>Depthwise kernels per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The penalty on the depthwise weight added to the loss (Keras's <c>depthwise_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? DepthwiseRegularizer { get; }

    /// <summary>The projection of the depthwise weight after each update (Keras's <c>depthwise_constraint</c>), if any.</summary>
    public Constraints.Constraint? DepthwiseConstraint { get; }

    /// <summary>The penalty on the pointwise weight added to the loss (Keras's <c>pointwise_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? PointwiseRegularizer { get; }

    /// <summary>The projection of the pointwise weight after each update (Keras's <c>pointwise_constraint</c>), if any.</summary>
    public Constraints.Constraint? PointwiseConstraint { get; }

    /// <summary>The penalty on the bias weight added to the loss (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the bias weight after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; }

    /// <summary>Initializer of depthwise_kernel (default glorot_uniform).</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>Initializer of pointwise_kernel (default glorot_uniform).</summary>
    public Initializer PointwiseInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>depthwise_kernel (kernel_size, channels, depth_multiplier); null before build.</summary>
    public Variable? DepthwiseKernel => _depthwise;

    /// <summary>pointwise_kernel (1, channels * depth_multiplier, filters); null before build.</summary>
    public Variable? PointwiseKernel => _pointwise;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ConvShapes.CheckRank(this, inputShape, 1);
        int c = inputShape[-1];
        _depthwise = AddWeight("depthwise_kernel", new Shape(KernelSize, c, DepthMultiplier), DepthwiseInitializer, true, DepthwiseRegularizer, DepthwiseConstraint);
        _pointwise = AddWeight("pointwise_kernel", new Shape(1, c * DepthMultiplier, Filters), PointwiseInitializer, true, PointwiseRegularizer, PointwiseConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        ConvShapes.CheckChannels(this, inputShape, 1, _depthwise!.Shape[1]);
        ComputeOutputShape(inputShape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        ConvShapes.Output(this, inputShape, [KernelSize], [Strides], [DilationRate], Padding, Filters);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var depthwise = DepthwiseConv1D.Depthwise1D(inputs, _depthwise!.Value, Strides, Padding, DilationRate);
        var fused = Activation.Epilogue;
        var y = Ops.Convolve(depthwise, _pointwise!.Value, _bias?.Value, [1, 1], "valid", [1, 1], fused ?? default);
        return fused is null ? Activation.Call(y) : y;
    }

    /// <summary>Keras's SeparableConv1D config (depth_multiplier, filters, depthwise_* and pointwise_* initializers, ...).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["depth_multiplier"] = DepthMultiplier;
        c["filters"] = Filters;
        c["kernel_size"] = new JsonArray(KernelSize);
        c["strides"] = new JsonArray(Strides);
        c["padding"] = Padding;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = new JsonArray(DilationRate);
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["depthwise_initializer"] = KerasSerializer.Serialize(DepthwiseInitializer);
        c["pointwise_initializer"] = KerasSerializer.Serialize(PointwiseInitializer);
        c["bias_initializer"] = KerasSerializer.Serialize(BiasInitializer);
        c["depthwise_regularizer"] = Saving.KerasSerializer.Serialize(DepthwiseRegularizer);
        c["pointwise_regularizer"] = Saving.KerasSerializer.Serialize(PointwiseRegularizer);
        c["bias_regularizer"] = Saving.KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["depthwise_constraint"] = Saving.KerasSerializer.Serialize(DepthwiseConstraint);
        c["pointwise_constraint"] = Saving.KerasSerializer.Serialize(PointwiseConstraint);
        c["bias_constraint"] = Saving.KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static SeparableConv1D FromConfig(JsonObject config)
    {
        var name = ConvLayerConfigs.CheckedLayout(config);
        return new SeparableConv1D(Cfg.Int(config, "filters"), ConvLayerConfigs.One(config, "kernel_size"), ConvLayerConfigs.One(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), ConvLayerConfigs.One(config, "dilation_rate", 1), Cfg.Int(config, "depth_multiplier", 1),
            ConvLayerConfigs.Activation(config), Cfg.Bool(config, "use_bias", true),
            KerasSerializer.Initializer(config["depthwise_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["pointwise_initializer"], "glorot_uniform"),
            KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name,
            depthwiseRegularizer: Saving.KerasSerializer.Regularizer(config["depthwise_regularizer"]), pointwiseRegularizer: Saving.KerasSerializer.Regularizer(config["pointwise_regularizer"]), biasRegularizer: Saving.KerasSerializer.Regularizer(config["bias_regularizer"]), depthwiseConstraint: Saving.KerasSerializer.Constraint(config["depthwise_constraint"]), pointwiseConstraint: Saving.KerasSerializer.Constraint(config["pointwise_constraint"]), biasConstraint: Saving.KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
