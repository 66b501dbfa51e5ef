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
public sealed class Conv3DTranspose : BaseConv3D, IKerasSerializable<Conv3DTranspose>
{
    private readonly int[]? _outputPadding;

    /// <summary>A Conv3DTranspose layer with Keras 3 defaults (strides 1, "valid", no output_padding, dilation 1, linear, bias).</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Window size: an int or (depth, height, width).</param>
    /// <param name="strides">Upsampling step (default 1).</param>
    /// <param name="padding">"valid" (default) or "same".</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first" (batch, channels, depth, height, width).</param>
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
    public Conv3DTranspose(int filters, Size3D kernelSize, Size3D? strides = null, string padding = "valid", string? dataFormat = null, Size3D? outputPadding = null, Size3D? dilationRate = null,
        ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null,
        Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null, Regularizers.Regularizer? activityRegularizer = null,
        Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(filters, kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, kernelInitializer, biasInitializer, name, inputShape, batchSize,
            kernelRegularizer, biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint)
    {
        if (outputPadding is { } op)
        {
            _outputPadding = op.ToArray();
            for (int i = 0; i < 3; i++)
            {
                if (_outputPadding[i] < 0 || _outputPadding[i] >= StridesArray[i])
                {
                    throw new ArgumentOutOfRangeException(nameof(outputPadding), $"Conv3DTranspose: output_padding must be non-negative and strictly less than strides on every axis; at axis {i} output_padding is {_outputPadding[i]} but strides is {StridesArray[i]} (outputPadding {op}, strides {Strides}).");
                }
            }
        }
    }

    /// <summary>Keras's <c>output_padding</c> (depth, height, width), or null when the output size follows from padding alone.</summary>
    public Size3D? OutputPadding => _outputPadding is { } p ? new Size3D(p[0], p[1], p[2]) : null;

    /// <inheritdoc/>
    private protected override Shape KernelShape(Shape inputShape, int channels) => new([.. KernelSizeArray, Filters, channels]);

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ConvShapes.CheckChannels(this, LastShape(inputShape), 3, Kernel!.Shape[4]);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        inputShape = LastShape(inputShape);
        ConvShapes.CheckRank(this, inputShape, 3);
        var dims = inputShape.ToArray();
        for (int i = 0; i < 3; i++)
        {
            dims[1 + i] = inputShape[1 + i] < 0 ? -1
                : Ops.ConvTransposeOutputLength(inputShape[1 + i], KernelSizeArray[i], StridesArray[i], DilationArray[i], Padding, _outputPadding?[i]);
        }
        dims[4] = Filters;
        return FormatShape(new Shape(dims));
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var y = Ops.ConvolveTranspose3D(LastTensor(inputs), Kernel!.Value, StridesArray, Padding, _outputPadding, DilationArray);
        if (Bias is { } bias)
        {
            y = Ops.Add(y, bias.Value);
        }
        return FormatTensor(Activation.Call(y));
    }

    /// <inheritdoc/>
    private protected override void WriteAfterPadding(JsonObject c) => c["output_padding"] = OutputPadding?.ToJson();

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Conv3DTranspose FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Cfg.Name(config);
        return new Conv3DTranspose(Cfg.Int(config, "filters"), Size3D.FromConfig(config, "kernel_size"), Size3D.FromConfig(config, "strides", 1),
            Cfg.String(config, "padding", "valid"), Cfg.OptionalString(config, "data_format"), Size3D.OptionalFromConfig(config, "output_padding"), Size3D.FromConfig(config, "dilation_rate", 1),
            ConvLayerConfigs.Activation(config), Cfg.Bool(config, "use_bias", true),
            KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"), KerasSerializer.Initializer(config["bias_initializer"], "zeros"), name,
            kernelRegularizer: KerasSerializer.Regularizer(config["kernel_regularizer"]), biasRegularizer: KerasSerializer.Regularizer(config["bias_regularizer"]),
            activityRegularizer: KerasSerializer.Regularizer(config["activity_regularizer"]),
            kernelConstraint: KerasSerializer.Constraint(config["kernel_constraint"]), biasConstraint: KerasSerializer.Constraint(config["bias_constraint"]));
    }
}
