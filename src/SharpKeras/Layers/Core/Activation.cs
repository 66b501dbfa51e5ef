using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>Applies an activation function (<c>keras.layers.Activation</c>).</summary>
public sealed class Activation : Layer, Saving.IKerasSerializable<Activation>
{
    /// <summary>A layer applying <paramref name="activation"/> ("relu", "softmax", ... or a function).</summary>
    public Activation(ActivationFunction activation, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        Function = activation ?? throw new ArgumentNullException(nameof(activation));
    }

    /// <summary>The activation applied.</summary>
    public ActivationFunction Function { get; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => Function.OutputShape?.Invoke(inputShape) ?? inputShape;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["activation"] = Function.Name;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Activation FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Activation(Activations.Get(Saving.Cfg.String(config, "activation")), Saving.Cfg.Name(config));
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Function.Call(inputs);
}
