using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Base of the 1-D, 2-D and 3-D max and average pooling layers (Keras's <c>BasePooling</c>).</summary>
public abstract class BasePooling : Layer
{
    private readonly int[] _poolSize;
    private readonly int[] _strides;
    private readonly bool _max;

    /// <summary>Validates and stores the configuration; strides default to the pool size.</summary>
    private protected BasePooling(int rank, int[] poolSize, int[]? strides, string padding, bool max, string? name, int[]? inputShape = null, int? batchSize = null,
        string? dataFormat = null) : base(name, inputShape, batchSize)
    {
        strides ??= poolSize;
        if (poolSize.Concat(strides).Any(v => v <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(poolSize), $"{GetType().Name}: poolSize ({string.Join(", ", poolSize)}) and strides ({string.Join(", ", strides)}) must be positive integers.");
        }
        Rank = rank;
        _poolSize = poolSize;
        _strides = strides;
        _max = max;
        Padding = Ops.CheckPadding(padding, allowCausal: false);
        DataFormat = Preprocessing.ImageResampling.DataFormat(dataFormat, GetType().Name);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["pool_size"] = new JsonArray([.. _poolSize.Select(v => (JsonNode)JsonValue.Create(v))]);
        c["padding"] = Padding;
        c["strides"] = new JsonArray([.. _strides.Select(v => (JsonNode)JsonValue.Create(v))]);
        c["data_format"] = DataFormat;
        return c;
    }

    /// <summary>Keras writes no build_config for pooling layers (they have no build step).</summary>
    internal override bool WritesBuildConfig => false;

    /// <summary>Number of spatial dimensions (1, 2 or 3).</summary>
    public int Rank { get; }

    /// <summary>The window size per spatial axis.</summary>
    public IReadOnlyList<int> PoolSize => _poolSize;

    /// <summary>The step per spatial axis.</summary>
    public IReadOnlyList<int> Strides => _strides;

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>"channels_last" (batch, *spatial, channels) or "channels_first" (batch, channels, *spatial).</summary>
    public string DataFormat { get; }

    private bool ChannelsFirst => DataFormat == "channels_first";

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (ChannelsFirst && inputShape.Rank == Rank + 2)
        {
            return ConvShapes.ToChannelsFirst(ComputeLastOutputShape(ConvShapes.ToChannelsLast(inputShape)));
        }
        return ComputeLastOutputShape(inputShape);
    }

    private Shape ComputeLastOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != Rank + 2)
        {
            string layout = Rank switch { 1 => "(batch, steps, channels)", 2 => "(batch, height, width, channels)", _ => "(batch, depth, height, width, channels)" };
            throw IncompatibleInput(inputShape, $"expected ndim={Rank + 2} {layout}, found ndim={inputShape.Rank}");
        }
        var dims = inputShape.ToArray();
        for (int i = 0; i < Rank; i++)
        {
            int size = inputShape[1 + i];
            if (size < 0)
            {
                continue;
            }
            int o = Ops.ConvOutputLength(size, _poolSize[i], _strides[i], 1, Padding);
            if (o <= 0)
            {
                throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}): the pool size {_poolSize[i]} is larger than the input size {size} on spatial axis {i + 1} of input shape {inputShape} with padding=\"valid\"; use padding=\"same\" or a smaller pool.");
            }
            dims[1 + i] = o;
        }
        return new Shape(dims);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => ChannelsFirst
        ? ConvShapes.ToChannelsFirst(Ops.Pool(ConvShapes.ToChannelsLast(inputs), _poolSize, _strides, Padding, _max))
        : Ops.Pool(inputs, _poolSize, _strides, Padding, _max);
}
