using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>
/// Base of Conv3D and Conv3DTranspose (Keras's <c>BaseConv</c> and <c>BaseConvTranspose</c> at rank 3): the window
/// arguments, activation, bias, initializers, regularizers and constraints they share, their checks and config keys.
/// </summary>
public abstract class BaseConv3D : Layer
{
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilation;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Validates and stores the arguments the 3-D convolution layers share.</summary>
    private protected BaseConv3D(int filters, Size3D kernelSize, Size3D? strides, string padding, string? dataFormat, Size3D? dilationRate,
        ActivationFunction? activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer, string? name,
        int[]? inputShape, int? batchSize, Regularizers.Regularizer? kernelRegularizer, Regularizers.Regularizer? biasRegularizer,
        Regularizers.Regularizer? activityRegularizer, Constraints.Constraint? kernelConstraint, Constraints.Constraint? biasConstraint)
        : base(name, inputShape, batchSize)
    {
        string layer = GetType().Name;
        var s = strides ?? 1;
        var d = dilationRate ?? 1;
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"{layer}: filters must be a positive integer, got {filters}.");
        }
        _kernelSize = kernelSize.ToArray();
        _strides = s.ToArray();
        _dilation = d.ToArray();
        Positive(_kernelSize, "kernelSize");
        Positive(_strides, "strides");
        Positive(_dilation, "dilationRate");
        if (_strides.Any(v => v > 1) && _dilation.Any(v => v > 1))
        {
            throw new ArgumentException($"{layer}: strides > 1 together with dilationRate > 1 is not supported (Keras raises the same), got strides {s} and dilationRate {d}.");
        }
        Filters = filters;
        Padding = Ops.CheckPadding(padding, allowCausal: false);
        DataFormat = Preprocessing.ImageResampling.DataFormat(dataFormat, layer);
        Activation = activation ?? Activations.Get("linear");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;

        void Positive(int[] values, string what)
        {
            if (values.Any(v => v <= 0))
            {
                throw new ArgumentOutOfRangeException(what, $"{layer}: {what} must be positive integers, got ({string.Join(", ", values)}).");
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

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>"channels_last" (batch, depth, height, width, channels) or "channels_first" (batch, channels, depth, height, width).</summary>
    public string DataFormat { get; }

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

    /// <summary>The kernel; null before build (its layout is the layer's).</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    private bool ChannelsFirst => DataFormat == "channels_first";

    /// <summary>An input shape in channels_last order, as the shape checks and the kernels take it.</summary>
    private protected Shape LastShape(Shape s) => ChannelsFirst && s.Rank == 5 ? ConvShapes.ToChannelsLast(s) : s;

    /// <summary>A channels_last output shape in the layer's data format.</summary>
    private protected Shape FormatShape(Shape s) => ChannelsFirst ? ConvShapes.ToChannelsFirst(s) : s;

    // channels_first runs the channels_last kernels between two transposes.
    private protected Tensor LastTensor(Tensor x) => ChannelsFirst ? ConvShapes.ToChannelsLast(x) : x;

    private protected Tensor FormatTensor(Tensor y) => ChannelsFirst ? ConvShapes.ToChannelsFirst(y) : y;

    private protected int[] KernelSizeArray => _kernelSize;

    private protected int[] StridesArray => _strides;

    private protected int[] DilationArray => _dilation;

    /// <summary>The kernel shape for inputs of <paramref name="channels"/> channels (checked by the layer).</summary>
    private protected abstract Shape KernelShape(Shape inputShape, int channels);

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        inputShape = LastShape(inputShape);
        ConvShapes.CheckRank(this, inputShape, 3);
        _kernel = AddWeight("kernel", KernelShape(inputShape, inputShape[-1]), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <summary>Keras writes these between padding and data_format (Conv3DTranspose's output_padding).</summary>
    private protected virtual void WriteAfterPadding(JsonObject c)
    {
    }

    /// <summary>Keras writes these between dilation_rate and activation (Conv3D's groups).</summary>
    private protected virtual void WriteAfterDilation(JsonObject c)
    {
    }

    /// <summary>Keras's 3-D convolution config (filters, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias, initializers, regularizers, constraints).</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = KernelSize.ToJson();
        c["strides"] = Strides.ToJson();
        c["padding"] = Padding;
        WriteAfterPadding(c);
        c["data_format"] = DataFormat;
        c["dilation_rate"] = DilationRate.ToJson();
        WriteAfterDilation(c);
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
}
