using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Flattens each sample to one dimension (<c>keras.layers.Flatten</c>): (batch, ...) -> (batch, product).</summary>
public sealed class Flatten : Layer, Saving.IKerasSerializable<Flatten>
{
    /// <summary>A Flatten layer; <paramref name="inputShape"/> (optional) declares the per-sample input shape, as Keras's <c>input_shape</c>.</summary>
    public Flatten(string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Flatten FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var format = Saving.Cfg.String(config, "data_format", "channels_last");
        if (format != "channels_last")
        {
            throw new FormatException($"Flatten layer '{Saving.Cfg.Name(config)}': data_format '{format}' is not supported; SharpKeras is channels_last.");
        }
        return new Flatten(Saving.Cfg.Name(config));
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank == 0)
        {
            throw IncompatibleInput(inputShape, "expected an input with a batch dimension");
        }
        int n = 1;
        for (int i = 1; i < inputShape.Rank; i++)
        {
            if (inputShape[i] < 0)
            {
                n = -1;
                break;
            }
            n *= inputShape[i];
        }
        return new Shape(inputShape[0], n);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.Rank == 0)
        {
            throw IncompatibleInput(inputs.Shape, "expected an input with a batch dimension");
        }
        int batch = inputs.Shape[0];
        return Ops.Reshape(inputs, batch, batch == 0 ? 0 : inputs.Length / batch);
    }
}
