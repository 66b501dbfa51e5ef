using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>
/// 3-D convolution layer (<c>keras.layers.Conv3D</c>) over (batch, depth, height, width, channels)
/// volumes: <see cref="BaseConv3D.Filters"/> kernels of shape (kd, kh, kw, channels / groups) give
/// (batch, new_depth, new_height, new_width, filters); the kernel weight is (kd, kh, kw, channels / groups, filters).
/// </summary>
public sealed class Conv3D : BaseConv3D, IKerasSerializable<Conv3D>
{
    /// <summary>A Conv3D layer with Keras 3 defaults (strides 1, "valid", dilation 1, one group, linear, bias, glorot_uniform kernel, zeros bias).</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window size: an int or (depth, height, width).</param>
    /// <param name="strides">Step (default 1).</param>
    /// <param name="padding">"valid" (default) or "same".</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first" (batch, channels, depth, height, width).</param>
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
    public Conv3D(int filters, Size3D kernelSize, Size3D? strides = null, string padding = "valid", string? dataFormat = null, Size3D? dilationRate = null, int groups = 1,
        ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null,
        int[]? inputShape = null, int? batchSize = null, Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
        Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null)
        : base(filters, kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, kernelInitializer, biasInitializer, name, inputShape, batchSize,
            kernelRegularizer, biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint)
    {
        if (groups <= 0 || filters % groups != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv3D: groups must be a positive integer dividing filters ({filters}), got {groups}.");
        }
        Groups = groups;
    }

    /// <summary>Channel groups convolved separately (Keras's <c>groups</c>).</summary>
    public int Groups { get; }

    /// <inheritdoc/>
    private protected override Shape KernelShape(Shape inputShape, int channels) => channels % Groups == 0
        ? new Shape([.. KernelSizeArray, channels / Groups, Filters])
        : throw IncompatibleInput(inputShape, $"the input channels ({channels}) must be a multiple of groups ({Groups})");

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        ConvShapes.CheckChannels(this, LastShape(inputShape), 3, Kernel!.Shape[3] * Groups);
        ComputeOutputShape(inputShape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => FormatShape(ConvShapes.Output(this, LastShape(inputShape), KernelSizeArray, StridesArray, DilationArray, Padding, Filters));

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var fused = Activation.Epilogue;
        var y = Ops.Convolve3D(LastTensor(inputs), Kernel!.Value, Bias?.Value, StridesArray, Padding, DilationArray, fused ?? default);
        return FormatTensor(fused is null ? Activation.Call(y) : y);
    }

    /// <inheritdoc/>
    private protected override void WriteAfterDilation(JsonObject c) => c["groups"] = Groups;

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Conv3D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Conv3D(Cfg.Int(config, "filters"), Size3D.FromConfig(config, "kernel_size"), Size3D.FromConfig(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), Cfg.OptionalString(config, "data_format"), Size3D.FromConfig(config, "dilation_rate", 1), config["groups"] is null ? 1 : Cfg.Int(config, "groups"),
            ConvLayerConfigs.Activation(config), Cfg.Bool(config, "use_bias", true),
            KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["bias_initializer"], "zeros"), Cfg.Name(config),
            kernelRegularizer: KerasSerializer.Regularizer(config["kernel_regularizer"]), biasRegularizer: KerasSerializer.Regularizer(config["bias_regularizer"]),
            activityRegularizer: KerasSerializer.Regularizer(config["activity_regularizer"]),
            kernelConstraint: KerasSerializer.Constraint(config["kernel_constraint"]), biasConstraint: KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
