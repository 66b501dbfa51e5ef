using SharpKeras.Saving;
using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// 1-D convolution layer (<c>keras.layers.Conv1D</c>) over (batch, steps, channels) inputs, giving
/// (batch, new_steps, filters); "causal" padding looks only at current and earlier steps.
/// </summary>
/// <param name="filters">Number of output channels.</param>
/// <param name="kernelSize">Window length.</param>
/// <param name="strides">Step (default 1).</param>
/// <param name="padding">"valid" (default), "same" or "causal".</param>
/// <param name="dilationRate">Spacing between kernel taps (default 1).</param>
/// <param name="activation">Activation (default linear).</param>
/// <param name="useBias">Whether to add a bias (default true).</param>
/// <param name="kernelInitializer">Default glorot_uniform.</param>
/// <param name="biasInitializer">Default zeros.</param>
/// <param name="name">Layer name (default conv1d, conv1d_1, ...).</param>
/// <param name="inputShape">Optional per-sample input shape (steps, channels), as Keras's <c>input_shape</c>.</param>
/// <param name="batchSize">Optional batch size completing <paramref name="inputShape"/> into the model's batch shape, as Keras's <c>batch_size</c>.</param>
/// <param name="kernelRegularizer">Penalty on the kernel (Keras's <c>kernel_regularizer</c>).</param>
/// <param name="biasRegularizer">Penalty on the bias (Keras's <c>bias_regularizer</c>).</param>
/// <param name="activityRegularizer">Penalty on the output (Keras's <c>activity_regularizer</c>).</param>
/// <param name="kernelConstraint">Projection of the kernel after each update (Keras's <c>kernel_constraint</c>).</param>
/// <param name="biasConstraint">Projection of the bias after each update (Keras's <c>bias_constraint</c>).</param>
public sealed class Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1,
    ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null,
    int[]? inputShape = null, int? batchSize = null, Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
    Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null)
    : BaseConv(1, filters, [kernelSize], [strides], padding, [dilationRate], activation, useBias, kernelInitializer, biasInitializer, name, inputShape, batchSize,
        kernelRegularizer, biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint), IKerasSerializable<Conv1D>
{
    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Conv1D FromConfig(JsonObject config) => new(Cfg.Int(config, "filters"), ConvLayerConfigs.One(config, "kernel_size"),
        ConvLayerConfigs.One(config, "strides", 1), Cfg.String(config, "padding", "valid"), ConvLayerConfigs.One(config, "dilation_rate", 1),
        ConvLayerConfigs.Activation(config), Cfg.Bool(config, "use_bias", true), KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"),
        KerasSerializer.Initializer(config["bias_initializer"], "zeros"), ConvLayerConfigs.CheckedLayout(config),
        kernelRegularizer: KerasSerializer.Regularizer(config["kernel_regularizer"]), biasRegularizer: KerasSerializer.Regularizer(config["bias_regularizer"]),
        kernelConstraint: KerasSerializer.Constraint(config["kernel_constraint"]), biasConstraint: KerasSerializer.Constraint(config["bias_constraint"]));
}
