using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Base of the 1-D and 2-D convolution layers (Keras's <c>BaseConv</c>): a kernel of shape
/// (*kernel_size, input_channels, filters) slid over channels_last inputs, plus an optional bias
/// and an activation.
/// </summary>
public abstract class BaseConv : Layer
{
    private Variable? _kernel;
    private Variable? _bias;
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilation;

    /// <summary>Validates and stores the configuration shared by the convolution layers.</summary>
    private protected BaseConv(int rank, int filters, int[] kernelSize, int[] strides, string padding, int[] dilationRate,
        ActivationFunction? activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer, string? name,
        int[]? inputShape = null, int? batchSize = null, Regularizers.Regularizer? kernelRegularizer = null, Regularizers.Regularizer? biasRegularizer = null,
        Regularizers.Regularizer? activityRegularizer = null, Constraints.Constraint? kernelConstraint = null, Constraints.Constraint? biasConstraint = null)
        : base(name, inputShape, batchSize)
    {
        string layer = GetType().Name;
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"{layer}: filters must be a positive integer, got {filters}.");
        }
        Check(kernelSize, "kernelSize");
        Check(strides, "strides");
        Check(dilationRate, "dilationRate");
        var p = Ops.CheckPadding(padding, allowCausal: rank == 1);
        if (strides.Any(s => s > 1) && dilationRate.Any(d => d > 1))
        {
            throw new ArgumentException($"{layer}: strides > 1 together with dilationRate > 1 is not supported (Keras raises the same), got strides ({string.Join(", ", strides)}) and dilationRate ({string.Join(", ", dilationRate)}).");
        }
        Rank = rank;
        Filters = filters;
        _kernelSize = kernelSize;
        _strides = strides;
        _dilation = dilationRate;
        Padding = p;
        Activation = activation ?? Activations.Get("linear");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;

        void Check(int[] values, string what)
        {
            if (values.Any(v => v <= 0))
            {
                throw new ArgumentOutOfRangeException(what, $"{layer}: {what} must be positive integers, got ({string.Join(", ", values)}).");
            }
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = new JsonArray([.. _kernelSize.Select(v => (JsonNode)JsonValue.Create(v))]);
        c["strides"] = new JsonArray([.. _strides.Select(v => (JsonNode)JsonValue.Create(v))]);
        c["padding"] = Padding;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = new JsonArray([.. _dilation.Select(v => (JsonNode)JsonValue.Create(v))]);
        c["groups"] = 1;
        c["activation"] = Activation.Name;
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = Saving.KerasSerializer.Serialize(KernelInitializer);
        c["bias_initializer"] = Saving.KerasSerializer.Serialize(BiasInitializer);
        c["kernel_regularizer"] = Saving.KerasSerializer.Serialize(KernelRegularizer);
        c["bias_regularizer"] = Saving.KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["kernel_constraint"] = Saving.KerasSerializer.Serialize(KernelConstraint);
        c["bias_constraint"] = Saving.KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    /// <summary>Number of spatial dimensions (1 or 2).</summary>
    public int Rank { get; }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The window size per spatial axis.</summary>
    public IReadOnlyList<int> KernelSize => _kernelSize;

    /// <summary>The step per spatial axis.</summary>
    public IReadOnlyList<int> Strides => _strides;

    /// <summary>The spacing between kernel taps per spatial axis.</summary>
    public IReadOnlyList<int> DilationRate => _dilation;

    /// <summary>"valid", "same" or (1-D only) "causal".</summary>
    public string Padding { get; }

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

    /// <summary>The kernel of shape (*kernel_size, input_channels, filters); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias of shape (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    private void CheckRank(Shape inputShape)
    {
        if (inputShape.Rank != Rank + 2)
        {
            string layout = Rank == 1 ? "(batch, steps, channels)" : "(batch, height, width, channels)";
            throw IncompatibleInput(inputShape, $"expected ndim={Rank + 2} {layout}, found ndim={inputShape.Rank}");
        }
    }

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        CheckRank(inputShape);
        int channels = inputShape[-1];
        if (channels <= 0)
        {
            throw IncompatibleInput(inputShape, "the channel dimension (last axis) of the inputs should be defined");
        }
        _kernel = AddWeight("kernel", new Shape([.. _kernelSize, channels, Filters]), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        CheckRank(inputShape);
        int expected = _kernel!.Shape[Rank];
        if (inputShape[-1] != expected)
        {
            throw IncompatibleInput(inputShape, $"expected axis -1 of input shape to have value {expected} (the channels the layer was built for)");
        }
        ComputeOutputShape(inputShape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        CheckRank(inputShape);
        var dims = inputShape.ToArray();
        for (int i = 0; i < Rank; i++)
        {
            int size = inputShape[1 + i];
            if (size < 0)
            {
                continue;
            }
            int o = Ops.ConvOutputLength(size, _kernelSize[i], _strides[i], _dilation[i], Padding);
            if (o <= 0)
            {
                int effective = (_kernelSize[i] - 1) * _dilation[i] + 1;
                throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}): the kernel size {effective} (kernel {_kernelSize[i]}, dilation {_dilation[i]}) is larger than the input size {size} on spatial axis {i + 1} of input shape {inputShape} with padding=\"valid\"; use padding=\"same\", a smaller kernel or a larger input.");
            }
            dims[1 + i] = o;
        }
        dims[^1] = Filters;
        return new Shape(dims);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var fused = Activation.Epilogue;
        var y = Ops.Convolve(inputs, _kernel!.Value, _bias?.Value, _strides, Padding, _dilation, fused ?? default);
        return fused is null ? Activation.Call(y) : y;
    }
}
