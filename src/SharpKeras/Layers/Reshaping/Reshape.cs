using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Reshapes each sample to <see cref="TargetShape"/> (<c>keras.layers.Reshape</c>); one entry may be -1 and is inferred.</summary>
public sealed class Reshape : Layer, Saving.IKerasSerializable<Reshape>
{
    private readonly int[] _target;

    /// <summary>A Reshape layer to <paramref name="targetShape"/> (without the batch dimension).</summary>
    public Reshape(int[] targetShape, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Any(d => d < -1 || d == 0) || targetShape.Count(d => d == -1) > 1)
        {
            throw new ArgumentException($"Reshape: targetShape ({string.Join(", ", targetShape)}) must hold positive sizes and at most one -1.", nameof(targetShape));
        }
        _target = (int[])targetShape.Clone();
    }

    /// <summary>The per-sample output shape (-1 marks the inferred entry).</summary>
    public IReadOnlyList<int> TargetShape => _target;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank < 1)
        {
            throw IncompatibleInput(inputShape, "expected an input with a batch dimension");
        }
        var dims = _target.ToArray();
        long size = 1;
        bool known = true;
        for (int i = 1; i < inputShape.Rank; i++)
        {
            known &= inputShape[i] >= 0;
            size *= inputShape[i];
        }
        long product = _target.Where(d => d > 0).Aggregate(1L, (a, d) => a * d);
        int unknown = Array.IndexOf(dims, -1);
        if (known)
        {
            if (unknown >= 0 ? size % product != 0 : size != product)
            {
                throw new ArgumentException($"Layer \"{Name}\" (Reshape): the input of shape {inputShape} has {size} values per sample, which cannot be reshaped into ({string.Join(", ", _target)}).");
            }
            if (unknown >= 0)
            {
                dims[unknown] = (int)(size / product);
            }
        }
        return new Shape([inputShape[0], .. dims]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var s = ComputeOutputShape(inputs.Shape);
        return Ops.Reshape(inputs, [inputs.Shape[0], .. s.Dims[1..]]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["target_shape"] = new JsonArray([.. _target.Select(v => (JsonNode)JsonValue.Create(v))]);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Reshape FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Reshape(Saving.Cfg.Shape(config["target_shape"], "Reshape target_shape"), Saving.Cfg.Name(config));
    }
}
