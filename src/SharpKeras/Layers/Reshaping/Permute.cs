using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Permutes the non-batch axes (<c>keras.layers.Permute</c>): dims are 1-based, e.g. (2, 1) swaps the first two.</summary>
public sealed class Permute : Layer, Saving.IKerasSerializable<Permute>
{
    private readonly int[] _dims;

    /// <summary>A Permute layer; <paramref name="dims"/> is a permutation of 1..rank-1.</summary>
    public Permute(int[] dims, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (!dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
        {
            throw new ArgumentException($"Permute: dims ({string.Join(", ", dims)}) must be a permutation of 1..{dims.Length} (the batch axis 0 is not permuted).", nameof(dims));
        }
        _dims = (int[])dims.Clone();
    }

    /// <summary>The 1-based permutation of the non-batch axes.</summary>
    public IReadOnlyList<int> Dims => _dims;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != _dims.Length + 1)
        {
            throw IncompatibleInput(inputShape, $"expected ndim={_dims.Length + 1} for dims ({string.Join(", ", _dims)}), found ndim={inputShape.Rank}");
        }
        return new Shape([inputShape[0], .. _dims.Select(d => inputShape[d])]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        ComputeOutputShape(inputs.Shape);
        return Ops.Transpose(inputs, [0, .. _dims]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["dims"] = new JsonArray([.. _dims.Select(v => (JsonNode)JsonValue.Create(v))]);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Permute FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Permute(Saving.Cfg.Shape(config["dims"], "Permute dims"), Saving.Cfg.Name(config));
    }
}
