using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Base of the adaptive pooling layers (Keras's <c>BaseAdaptivePooling</c>): pooling to a fixed output size whatever the input size.</summary>
public abstract class BaseAdaptivePooling : Layer
{
    private readonly int[] _outputSize;
    private readonly bool _max;

    /// <summary>Validates and stores the configuration; a null data format is channels_last (Keras's image_data_format default).</summary>
    private protected BaseAdaptivePooling(int rank, int[] outputSize, string? dataFormat, bool max, string? name, int[]? inputShape, int? batchSize) : base(name, inputShape, batchSize)
    {
        if (outputSize.Length != rank || outputSize.Any(v => v <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(outputSize), $"{GetType().Name} '{Name}': outputSize must be {rank} positive integer(s), got ({string.Join(", ", outputSize)}).");
        }
        var format = dataFormat ?? "channels_last";
        if (format is not ("channels_last" or "channels_first"))
        {
            throw new ArgumentException($"{GetType().Name} '{Name}': invalid dataFormat \"{format}\"; expected \"channels_first\" or \"channels_last\".", nameof(dataFormat));
        }
        Rank = rank;
        _outputSize = outputSize;
        _max = max;
        DataFormat = format;
    }

    /// <summary>Number of spatial dimensions (1 or 2).</summary>
    public int Rank { get; }

    /// <summary>The output size per spatial axis (Keras's <c>output_size</c>).</summary>
    public IReadOnlyList<int> OutputSize => _outputSize;

    /// <summary>"channels_last" or "channels_first" (Keras's <c>data_format</c>).</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["output_size"] = new JsonArray([.. _outputSize.Select(v => (JsonNode)JsonValue.Create(v))]);
        c["data_format"] = DataFormat;
        return c;
    }

    /// <summary>Keras writes no build_config for adaptive pooling layers (they have no build step).</summary>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != Rank + 2)
        {
            string layout = (Rank, DataFormat) switch
            {
                (1, "channels_last") => "(batch, steps, channels)",
                (1, _) => "(batch, channels, steps)",
                (_, "channels_last") => "(batch, height, width, channels)",
                _ => "(batch, channels, height, width)",
            };
            throw IncompatibleInput(inputShape, $"expected ndim={Rank + 2} {layout}, found ndim={inputShape.Rank}");
        }
        return DataFormat == "channels_last"
            ? new Shape([inputShape[0], .. _outputSize, inputShape[-1]])
            : new Shape([inputShape[0], inputShape[1], .. _outputSize]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.AdaptivePool(inputs, _outputSize, DataFormat, _max);
}
