using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Softmax layer (<c>keras.layers.Softmax</c>) over <see cref="Axis"/>; with a mask (1 keep, 0 drop,
/// broadcastable to the input), masked entries get a large negative logit (-1e9, as Keras) and an
/// output of 0.
/// </summary>
public sealed class Softmax : Layer, Saving.IKerasSerializable<Softmax>
{
    private const float LargeNegative = -1e9f;

    /// <summary>A Softmax layer over <paramref name="axis"/> (Keras's default: the last axis).</summary>
    public Softmax(int axis = -1, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        Axis = axis;
    }

    /// <summary>The axis normalised over.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <summary>Applies the layer with an explicit <paramref name="mask"/> (Keras's <c>layer(inputs, mask=mask)</c>): values &gt; 0.5 keep, others drop.</summary>
    public Tensor Apply(Tensor inputs, Tensor mask, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(mask);
        var masked = Ops.ViewOp(inputs, inputs.Shape, OpKind.Reshape);
        masked.KerasMask = mask;
        return Apply(masked, training);
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        if (inputShape.Rank == 0 || Axis >= inputShape.Rank || Axis < -inputShape.Rank)
        {
            throw IncompatibleInput(inputShape, $"Softmax axis {Axis} is not an axis of a rank-{inputShape.Rank} input");
        }
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.KerasMask is not { } mask)
        {
            return Ops.Softmax(inputs, Axis);
        }
        var keep = Keep(mask, inputs.Shape);
        // LargeNegative where the mask drops, (-)0 where it keeps: recorded ops, so a replayed step reads each batch's mask.
        var drop = Ops.Multiply(Ops.Subtract(Tensor.Scalar(1f), keep), Tensor.Scalar(LargeNegative));
        // where(mask, x, -1e9) as x keep + drop (exact for a 0/1 keep), so the gradient flows through the ops.
        var logits = Ops.Add(Ops.Multiply(inputs, keep), drop);
        return Ops.Multiply(Ops.Softmax(logits, Axis), keep);
    }

    /// <summary>The mask as 1 (keep) / 0 (drop) floats, after checking that it broadcasts to the input as Keras requires.</summary>
    private Tensor Keep(Tensor mask, Shape input)
    {
        bool ok = mask.Rank <= input.Rank;
        for (int i = 1; ok && i <= mask.Rank; i++)
        {
            ok = mask.Shape[-i] == 1 || mask.Shape[-i] == input[-i];
        }
        if (!ok)
        {
            throw new ArgumentException($"Layer '{Name}' (Softmax): the mask must be broadcastable to the inputs; each mask dimension must be 1 or match the input's. Received inputs.shape={input}, mask.shape={mask.Shape}.");
        }
        return Ops.Cast(Ops.Greater(mask, Tensor.Scalar(0.5f)), DType.Float32);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); one axis, as an int or a one-element list.</summary>
    public static Softmax FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int axis = config["axis"] switch
        {
            null => -1,
            JsonValue => Saving.Cfg.Int(config, "axis"),
            JsonArray { Count: 1 } => Saving.Cfg.Ints(config, "axis")[0],
            var other => throw Saving.Cfg.Wrong(config, "axis", "one axis (a softmax over several axes at once is not supported)", other),
        };
        return new Softmax(axis, Saving.Cfg.Name(config));
    }
}
